import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the Redis store. Each runs atomically: no other command of any replica
 * runs in between. (Redis Cluster is not supported: several touch keys found at run time.)
 */

/**
 * SET NX the dedupe key and append the event only when it was set: atomic, so of concurrent
 * enqueues of one key on any replica exactly one wins. The dedupe key has no TTL while the event
 * waits; ack gives it one. The entry carries the dedupe key's name so ack can find it.
 */
const ENQUEUE = `
if redis.call('SET', KEYS[1], '1', 'NX') then
  redis.call('XADD', KEYS[2], '*', 'payload', ARGV[1], 'enqueuedAt', ARGV[2], 'dedupeKey', KEYS[1])
  return 1
end
return 0`;

/**
 * Acks and deletes entries, starts the retention clock of their dedupe keys, and forgets the
 * writes recorded for them. KEYS: stream, attempts, attempts-by-event. ARGV: group, retention,
 * ids…
 */
const ACK_BODY = `
local function ackEntries(stream, attempts, byEvent, group, retention, first)
  for i = first, #ARGV do
    local id = ARGV[i]
    local entry = redis.call('XRANGE', stream, id, id)[1]
    if entry then
      local fields = entry[2]
      for j = 1, #fields, 2 do
        if fields[j] == 'dedupeKey' then redis.call('PEXPIRE', fields[j + 1], retention) end
      end
    end
    redis.call('XACK', stream, group, id)
    redis.call('XDEL', stream, id)
    local list = redis.call('HGET', byEvent, id)
    if list then
      for _, attempt in ipairs(cjson.decode(list)) do redis.call('HDEL', attempts, attempt) end
      redis.call('HDEL', byEvent, id)
    end
  end
end`;

const ACK = `${ACK_BODY}
ackEntries(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], 3)
return #ARGV - 2`;

/**
 * Records a write as done, saves links and acks events, in one step. KEYS: stream, attempts,
 * attempts-by-event, link keys…. ARGV: group, retention, link retention, attempt id, record,
 * link values… (one per link key), ids to ack….
 */
const FINISH = `${ACK_BODY}
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
local links = #KEYS - 3
for i = 1, links do
  redis.call('SET', KEYS[3 + i], ARGV[5 + i], 'PX', ARGV[3])
end
ackEntries(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], 6 + links)
return 1`;

/** Records a write before it is made. KEYS: attempts, attempts-by-event. ARGV: id, record, event ids…. */
const BEGIN = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 3, #ARGV do
  local list = redis.call('HGET', KEYS[2], ARGV[i])
  local ids = list and cjson.decode(list) or {}
  local known = false
  for _, id in ipairs(ids) do if id == ARGV[1] then known = true end end
  if not known then
    ids[#ids + 1] = ARGV[1]
    redis.call('HSET', KEYS[2], ARGV[i], cjson.encode(ids))
  end
end
return 1`;

/** Forgets a write. KEYS: attempts, attempts-by-event. ARGV: id, event ids…. */
const ABANDON = `
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 2, #ARGV do
  local list = redis.call('HGET', KEYS[2], ARGV[i])
  if list then
    local kept = {}
    for _, id in ipairs(cjson.decode(list)) do if id ~= ARGV[1] then kept[#kept + 1] = id end end
    if #kept == 0 then redis.call('HDEL', KEYS[2], ARGV[i])
    else redis.call('HSET', KEYS[2], ARGV[i], cjson.encode(kept)) end
  end
end
return 1`;

/**
 * Moves entries out of the stream into the dead-letter hash, with the reason. Their dedupe keys
 * stay (a copy sent again is still a duplicate). KEYS: stream, dead. ARGV: group, reason, at, ids….
 */
const DEAD_LETTER = `
local moved = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local entry = redis.call('XRANGE', KEYS[1], id, id)[1]
  if entry then
    local record = { reason = ARGV[2], at = tonumber(ARGV[3]) }
    local fields = entry[2]
    for j = 1, #fields, 2 do record[fields[j]] = fields[j + 1] end
    redis.call('HSET', KEYS[2], id, cjson.encode(record))
    moved = moved + 1
  end
  redis.call('XACK', KEYS[1], ARGV[1], id)
  redis.call('XDEL', KEYS[1], id)
end
return moved`;

/**
 * Puts dead letters back at the end of the stream; their recorded
 * writes move with them, and name their new IDs. KEYS: stream, dead, attempts-by-event,
 * attempts. ARGV: ids….
 */
const REPLAY = `
local replayed = 0
for _, id in ipairs(ARGV) do
  local stored = redis.call('HGET', KEYS[2], id)
  if stored then
    local record = cjson.decode(stored)
    local newId = redis.call('XADD', KEYS[1], '*', 'payload', record.payload,
      'enqueuedAt', tostring(record.enqueuedAt), 'dedupeKey', record.dedupeKey)
    local list = redis.call('HGET', KEYS[3], id)
    if list then
      redis.call('HSET', KEYS[3], newId, list)
      redis.call('HDEL', KEYS[3], id)
      for _, attemptId in ipairs(cjson.decode(list)) do
        local recorded = redis.call('HGET', KEYS[4], attemptId)
        if recorded then
          local attempt = cjson.decode(recorded)
          for i, eventId in ipairs(attempt.eventIds) do
            if eventId == id then attempt.eventIds[i] = newId end
          end
          redis.call('HSET', KEYS[4], attemptId, cjson.encode(attempt))
        end
      end
    end
    redis.call('HDEL', KEYS[2], id)
    replayed = replayed + 1
  end
end
return replayed`;

/**
 * Sets the idle time of the entries this consumer still owns (0: a heartbeat; huge: a release)
 * and returns their IDs. Ownership is checked first because XCLAIM would otherwise take back an
 * entry another replica has rightly taken over, and two replicas would then both post it.
 */
const RENEW = `
local stream, group, consumer, idle = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local owned = {}
for i = 4, #ARGV do
  local pending = redis.call('XPENDING', stream, group, ARGV[i], ARGV[i], 1)[1]
  if pending and pending[2] == consumer then owned[#owned + 1] = ARGV[i] end
end
if #owned > 0 then
  local args = {'XCLAIM', stream, group, consumer, '0'}
  for _, id in ipairs(owned) do args[#args + 1] = id end
  args[#args + 1] = 'IDLE'
  args[#args + 1] = idle
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
end
return owned`;

/**
 * Deletes consumers of earlier runs that hold nothing and have been quiet long enough. Only an
 * empty consumer is deleted (DELCONSUMER drops a consumer's pending entries); a live one that is
 * deleted by mistake is simply re-created by its next read.
 */
const FORGET_IDLE_CONSUMERS = `
local stream, group, minIdle = KEYS[1], ARGV[1], tonumber(ARGV[2])
local forgotten = 0
for _, info in ipairs(redis.call('XINFO', 'CONSUMERS', stream, group)) do
  local consumer = {}
  for j = 1, #info, 2 do consumer[info[j]] = info[j + 1] end
  if consumer.pending == 0 and consumer.idle >= minIdle then
    redis.call('XGROUP', 'DELCONSUMER', stream, group, consumer.name)
    forgotten = forgotten + 1
  end
end
return forgotten`;

/** Takes a lease when free, or extends it for its owner. KEYS: lease. ARGV: owner, ttl ms. */
const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Extends a lease only while its owner still holds it. KEYS: lease. ARGV: owner, ttl ms. */
const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** Lets go of a lease its owner holds. KEYS: lease. ARGV: owner. */
const UNLEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

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

/** Registers the scripts; ioredis sends them by SHA (EVALSHA) and loads them when Redis lacks them. */
export function withScripts(redis: Redis): ScriptedRedis {
  redis.defineCommand('enqueueEvent', { numberOfKeys: 2, lua: ENQUEUE });
  redis.defineCommand('ackEvents', { numberOfKeys: 3, lua: ACK });
  // The number of keys varies with the links saved: ioredis takes it as the first argument.
  redis.defineCommand('finishAttempt', { lua: FINISH });
  redis.defineCommand('beginAttempt', { numberOfKeys: 2, lua: BEGIN });
  redis.defineCommand('abandonAttempt', { numberOfKeys: 2, lua: ABANDON });
  redis.defineCommand('deadLetterEvents', { numberOfKeys: 2, lua: DEAD_LETTER });
  redis.defineCommand('replayDeadLetters', { numberOfKeys: 4, lua: REPLAY });
  redis.defineCommand('renewHeld', { numberOfKeys: 1, lua: RENEW });
  redis.defineCommand('forgetIdleConsumers', { numberOfKeys: 1, lua: FORGET_IDLE_CONSUMERS });
  redis.defineCommand('leaseKey', { numberOfKeys: 1, lua: LEASE });
  redis.defineCommand('renewLeaseKey', { numberOfKeys: 1, lua: RENEW_LEASE });
  redis.defineCommand('unleaseKey', { numberOfKeys: 1, lua: UNLEASE });
  return redis as ScriptedRedis;
}
