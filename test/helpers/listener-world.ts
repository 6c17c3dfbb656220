/**
 * The rest of a listener's world in unit tests: the recall service faked (authorize and run),
 * the deps built from a test store, and the setup the listener tests of a file share.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { ListenerDeps } from '../../src/listeners/deps.js';
import { type Logger, silentLogger } from '../../src/log.js';
import type { Authorization } from '../../src/recall/authorize.js';
import type { PendingRecall } from '../../src/recall/confirmations.js';
import type { RecallService, ReplyChannel } from '../../src/recall/service.js';
import type { FakeSlack } from '../fakes/slack-api.js';
import { useFakeSlack } from './fake-slack.js';
import { type ListenerFakes, listenerFakes } from './listener-args.js';
import { type LoggedLine, recordingLogger } from './logger.js';
import { type TestStore, useTestStore } from './store.js';

/**
 * The recall as the listeners see it: whether the person may recall, and running it. Refusals
 * and results are told through the reply the listener gave, as the real service does, so that a
 * test sees where they went.
 */
export interface FakeRecall {
  /** Whether a user may recall; default: everyone. */
  allows: (userId: string) => boolean;
  /** What `run` resolves (false: nothing was started). */
  starts: boolean;
  readonly authorized: { userId: string; pending: Pick<PendingRecall, 'account' | 'msgKeys'> }[];
  readonly runs: { pending: PendingRecall; confirmedBy: string }[];
}

export const FAKE_REFUSAL = ':no_entry: not a moderator';
export const FAKE_RESULTS = 'fake results';

export function fakeRecall(): FakeRecall & Pick<RecallService, 'authorize' | 'run'> {
  const recall = {
    allows: (_userId: string) => true,
    starts: true,
    authorized: [] as FakeRecall['authorized'],
    runs: [] as FakeRecall['runs'],
    async authorize(
      userId: string,
      reply: ReplyChannel,
      pending: Pick<PendingRecall, 'account' | 'msgKeys' | 'origin'>,
    ): Promise<Authorization> {
      recall.authorized.push({ userId, pending });
      if (recall.allows(userId)) return { allowed: true, because: 'a fake moderator' };
      await reply.final({ text: FAKE_REFUSAL });
      return { allowed: false, reason: 'not a moderator' };
    },
    async run(pending: PendingRecall, confirmedBy: string, reply: ReplyChannel) {
      recall.runs.push({ pending, confirmedBy });
      if (!recall.starts) return false;
      await reply.final({ text: FAKE_RESULTS });
      return true;
    },
  };
  return recall;
}

/** The listeners' deps, from a test store (see `openTestStore`) and fakes. */
export function listenerDeps(fields: {
  stores: Pick<TestStore, 'once' | 'links'>;
  recall?: Pick<RecallService, 'authorize' | 'run'>;
  logger?: Logger;
  allowedTeamIds?: readonly string[];
}): ListenerDeps {
  return {
    once: fields.stores.once,
    links: fields.stores.links,
    recall: fields.recall ?? fakeRecall(),
    logger: fields.logger ?? silentLogger,
    allowedTeamIds: fields.allowedTeamIds ?? [],
  };
}

/** What the listener tests of one file share; `fakes`, `recall`, `lines` and `deps` are per test. */
export interface ListenerWorld {
  /** A fake Slack, for the response URLs listeners post to (their client is `fakes.client`). */
  slack: FakeSlack;
  stores: TestStore;
  fakes: ListenerFakes;
  recall: ReturnType<typeof fakeRecall>;
  /** What the listener logged. */
  lines: LoggedLine[];
  /** The test store, the fake recall and a logger into `lines`. */
  deps: ListenerDeps;
}

/** Starts the fake Slack and opens the store for a file's tests; fresh fakes for each test. */
export function useListenerWorld(): ListenerWorld {
  const world = {} as ListenerWorld;
  const fake = useFakeSlack();
  world.stores = useTestStore();
  beforeEach(() => {
    world.slack = fake.slack;
    world.fakes = listenerFakes();
    world.recall = fakeRecall();
    const { lines, logger } = recordingLogger();
    world.lines = lines;
    world.deps = listenerDeps({ stores: world.stores, recall: world.recall, logger });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return world;
}
