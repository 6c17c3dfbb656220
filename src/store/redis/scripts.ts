import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the Redis store, each in its own file under `lua/` (the build copies them
 * beside the compiled module). Each runs atomically: no other command of any replica runs in
 * between. (Redis Cluster is not supported: several touch keys found at run time.)
 */
const LUA_DIR = new URL('./lua/', import.meta.url);

type Arg = string | number;

export interface ScriptCommands {
  enqueueEvent(dedupeKey: string, stream: string, payload: string, at: number): Promise<number>;
  ackEvents(...keysThenArgs: Arg[]): Promise<number>;
  finishAttempt(numberOfKeys: number, ...keysThenArgs: Arg[]): Promise<number>;
  beginAttempt(attempts: string, byEvent: string, ...args: Arg[]): Promise<number>;
  abandonAttempt(attempts: string, byEvent: string, ...args: Arg[]): Promise<number>;
  deadLetterEvents(stream: string, dead: string, ...args: Arg[]): Promise<number>;
  replayDeadLetters(
    stream: string,
    dead: string,
    byEvent: string,
    attempts: string,
    ...ids: string[]
  ): Promise<number>;
  renewHeld(stream: string, ...args: Arg[]): Promise<string[]>;
  forgetIdleConsumers(stream: string, group: string, minIdleMs: number): Promise<number>;
  leaseKey(key: string, owner: string, ttlMs: number): Promise<number>;
  renewLeaseKey(key: string, owner: string, ttlMs: number): Promise<number>;
  unleaseKey(key: string, owner: string): Promise<number>;
}

export type ScriptedRedis = Redis & ScriptCommands;

/** Where a command's script comes from. */
interface ScriptSource {
  /**
   * Files under `lua/` (names without `.lua`), joined in order: `ack-entries` defines the
   * function that acks entries, for the files after it.
   */
  files: readonly string[];
  /** Unset when it varies with the call: ioredis then takes it as the first argument. */
  numberOfKeys?: number;
}

const COMMANDS: Record<keyof ScriptCommands, ScriptSource> = {
  enqueueEvent: { files: ['enqueue'], numberOfKeys: 2 },
  ackEvents: { files: ['ack-entries', 'ack'], numberOfKeys: 3 },
  // The number of keys varies with the links saved.
  finishAttempt: { files: ['ack-entries', 'finish-attempt'] },
  beginAttempt: { files: ['begin-attempt'], numberOfKeys: 2 },
  abandonAttempt: { files: ['abandon-attempt'], numberOfKeys: 2 },
  deadLetterEvents: { files: ['dead-letter'], numberOfKeys: 2 },
  replayDeadLetters: { files: ['replay-dead-letters'], numberOfKeys: 4 },
  renewHeld: { files: ['renew-held'], numberOfKeys: 1 },
  forgetIdleConsumers: { files: ['forget-idle-consumers'], numberOfKeys: 1 },
  leaseKey: { files: ['lease'], numberOfKeys: 1 },
  renewLeaseKey: { files: ['renew-lease'], numberOfKeys: 1 },
  unleaseKey: { files: ['unlease'], numberOfKeys: 1 },
};

/** A command's script, read from its files. */
export interface LoadedScript extends ScriptSource {
  name: keyof ScriptCommands;
  lua: string;
}

/** Reads every script from its files; throws (naming the file) when one is missing. */
export function loadScripts(): LoadedScript[] {
  return Object.entries(COMMANDS).map(([name, { files, numberOfKeys }]) => ({
    name: name as keyof ScriptCommands,
    files,
    lua: files.map((file) => readFileSync(new URL(`${file}.lua`, LUA_DIR), 'utf8')).join('\n'),
    ...(numberOfKeys === undefined ? {} : { numberOfKeys }),
  }));
}

/** Registers the scripts; ioredis sends them by SHA (EVALSHA) and loads them when Redis lacks them. */
export function withScripts(redis: Redis, scripts: readonly LoadedScript[]): ScriptedRedis {
  for (const { name, lua, numberOfKeys } of scripts) {
    redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  }
  return redis as ScriptedRedis;
}
