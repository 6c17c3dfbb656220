import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../fakes/slack-api.js';
import type { FakeTencent } from '../fakes/tencent-api.js';
import { startTestApp, testEnv } from './app.js';
import { startAppTencent } from './recall.js';

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

export interface Fakes {
  slack: FakeSlack;
  tencent: FakeTencent;
}

/** The fake Slack and Tencent of a describe block: started before its tests, closed after. */
export function useFakes(slackOptions: FakeSlackOptions = {}): Fakes {
  const fakes = {} as Fakes;
  beforeAll(async () => {
    fakes.slack = await startFakeSlack(slackOptions);
    fakes.tencent = await startAppTencent();
  });
  afterAll(async () => {
    await fakes.slack?.close();
    await fakes.tencent?.close();
  });
  return fakes;
}

export interface AppOptions {
  /** Variables added to `testEnv` (Slack and Tencent already point at the fakes). */
  env?: () => Record<string, string>;
  /** A fresh app (and fakes reset, then `prepare`d) for each test; else one for the block. */
  each?: boolean;
  /** Runs before each start (after the fakes are reset, with `each`). */
  prepare?: (fakes: Fakes) => void;
}

/** The real app in this process against `fakes`; `holder.app` is the running one. */
export function useApp(fakes: Fakes, options: AppOptions = {}): { app: TestApp } {
  const holder = {} as { app: TestApp };
  const start = async () => {
    if (options.each) {
      fakes.slack.reset();
      fakes.tencent.reset();
    }
    options.prepare?.(fakes);
    holder.app = await startTestApp(
      testEnv(fakes.slack.apiUrl, { TENCENT_API_BASE: fakes.tencent.url, ...options.env?.() }),
    );
  };
  const stop = async () => {
    await holder.app?.stop();
  };
  if (options.each) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  return holder;
}
