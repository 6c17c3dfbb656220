import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { type Config, secretsOf } from './config.js';
import { Feed, type RetryPolicy } from './feed/feed.js';
import { feedProblems } from './feed/problems.js';
import { Reconciler } from './feed/reconcile.js';
import { BodyBudget } from './http/body.js';
import { createHttpServer } from './http/server.js';
import { registerListeners } from './listeners/index.js';
import { replyFor } from './listeners/replies.js';
import { createLogger, type Logger } from './log.js';
import { Health } from './observability/health.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { RecallAudit } from './recall/audit.js';
import { AUTHORIZATION_TIMEOUT_MS, RecallAuthorizer } from './recall/authorize.js';
import { RecallJobs } from './recall/jobs.js';
import { clusteredOptions, createRecallLimiter } from './recall/limiter.js';
import { RecallService } from './recall/service.js';
import { cachedBotAuthorize } from './slack/authorize.js';
import { toBoltLogger } from './slack/bolt-logger.js';
import { createSlackGate, SLACK_BODIES_IN_FLIGHT } from './slack/gate.js';
import {
  createDeliveryClient,
  createPermissionClient,
  slackClientOptions,
} from './slack/web-client.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { createTencentRestClient } from './tencent/rest/client.js';
import { AdminUserSig } from './tencent/rest/usersig.js';
import { createWebhookRoute } from './tencent/webhook/route.js';

export interface AppOptions {
  logger?: Logger;
  /** Delivery retry timings (tests shorten them). */
  retry?: RetryPolicy;
  /** How long an event may wait before `/healthz` says the feed is behind (tests shorten it). */
  feedBehindMs?: number;
  /** Backoff between attempts of a recall request (tests shorten it). */
  recallBackoff?: { baseMs: number; maxMs: number };
}

export interface RunningApp {
  port: number;
  server: Server;
  store: Store;
  metrics: Metrics;
  health: Health;
  bolt: App;
  logger: Logger;
  /** Stops taking work, finishes what is in flight, closes the store. */
  stop(): Promise<void>;
}

function boltLogLevel(level: Config['logLevel']): LogLevel {
  return { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR }[
    level
  ];
}

/** Builds the Bolt app, the routes and the feed, and starts listening on `config.port`. */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const store = await openStore(config, logger.child({ component: 'store' }));
  const metrics = createMetrics({
    queueDepth: () => store.queue.pendingCount(),
    oldestPendingAt: () => store.queue.oldestPendingAt(),
    deadLetters: () => store.queue.deadLetterCount(),
  });
  const health = new Health({
    checkStore: () => store.check(),
    feedProblems: feedProblems(store.queue, options.feedBehindMs),
  });
  let stopping = false;

  const boltLogger = toBoltLogger(
    logger.child({ component: 'bolt' }),
    boltLogLevel(config.logLevel),
  );
  const slackLog = logger.child({ component: 'slack' });
  const clientOptions = slackClientOptions(config.slack.apiUrl, metrics, slackLog);
  // For the app's own calls (recall answers, authorization); Bolt's listeners get their own.
  const slackClient = new WebClient(config.slack.botToken, clientOptions);
  const socketMode = Boolean(config.slack.appToken);
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret ?? '',
        endpoints: '/slack/events',
        logger: boltLogger,
        // Its only caller is the Slack gate below, which has checked the timestamp and the
        // signature already (the receiver never listens on a port of its own).
        signatureVerification: false,
      });
  // Asks auth.test once, for Bolt and for the admin check below.
  const authorize = cachedBotAuthorize(slackClient, config.slack.botToken);
  const bolt = new App({
    authorize,
    logger: boltLogger,
    clientOptions,
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.slack.appToken }),
  });

  // One limiter per app: every recall of every user shares it, since Tencent counts per app;
  // with Redis, every replica shares it too.
  const recallLimiter = createRecallLimiter(
    config.tencent.sdkAppId,
    { ratePerSecond: config.recall.ratePerSecond, logger: logger.child({ component: 'limiter' }) },
    config.redisUrl ? clusteredOptions(config.redisUrl) : undefined,
  );
  // One for the service and its audit: the audit keeps its progress in the service's jobs.
  const jobs = new RecallJobs(store.recallJobs);
  const recall = new RecallService({
    once: store.once,
    jobs,
    authorizer: new RecallAuthorizer({
      client: createPermissionClient(
        config.slack.botToken,
        config.slack.apiUrl,
        metrics,
        AUTHORIZATION_TIMEOUT_MS,
        slackLog,
      ),
      allowedUsers: config.recall.allowedUsers,
      allowedUsergroups: config.recall.allowedUsergroups,
      logger,
      // Serving partners too: their admins are not ours.
      ...(config.slack.allowedTeamIds.length > 0 ? { adminTeamId: authorize.installedTeamId } : {}),
    }),
    slack: slackClient,
    audit: new RecallAudit({
      slack: slackClient,
      moderationChannel: config.slack.moderationChannel,
      jobs,
      // Finds an audit line posted just before a crash, so that a resumed recall posts it once.
      reconciler: new Reconciler({
        slack: slackClient,
        channel: config.slack.moderationChannel,
        logger: logger.child({ component: 'recall' }),
        health,
        metrics,
      }),
    }),
    sender: {
      client: createTencentRestClient({
        origin: config.tencent.apiOrigin,
        sdkAppId: config.tencent.sdkAppId,
        identifier: config.tencent.adminUserId,
        userSig: new AdminUserSig({
          sdkAppId: config.tencent.sdkAppId,
          secretKey: config.tencent.secretKey,
          identifier: config.tencent.adminUserId,
        }),
        logger: logger.child({ component: 'tencent' }),
      }),
      limiter: recallLimiter,
      logger: logger.child({ component: 'recall' }),
      ...(options.recallBackoff ? { backoff: options.recallBackoff } : {}),
    },
    metrics,
    logger: logger.child({ component: 'recall' }),
    replyFor: (origin, user, progress) => replyFor(origin, slackClient, user, progress),
    shared: Boolean(config.redisUrl),
  });
  registerListeners(bolt, {
    once: store.once,
    links: store.links,
    recall,
    logger: logger.child({ component: 'slack' }),
    allowedTeamIds: config.slack.allowedTeamIds,
  });

  const feed = new Feed({
    queue: store.queue,
    links: store.links,
    slack: createDeliveryClient(config.slack.botToken, config.slack.apiUrl, metrics, slackLog),
    channel: config.slack.moderationChannel,
    logger: logger.child({ component: 'feed' }),
    metrics,
    health,
    ...(options.retry ? { retry: options.retry } : {}),
  });

  // Memory request bodies may take at once: the webhook's (callers checked first) and Slack's.
  const bodies = new BodyBudget();
  const slackBodies = new BodyBudget(SLACK_BODIES_IN_FLIGHT);
  const http = createHttpServer({
    webhook: createWebhookRoute({
      settings: { sdkAppId: config.tencent.sdkAppId, callbackToken: config.tencent.callbackToken },
      accept: (dedupeKey, event) => store.queue.enqueue(dedupeKey, event),
      metrics,
      logger: logger.child({ component: 'webhook' }),
      isStopping: () => stopping,
      bodies,
    }),
    ...(receiver
      ? {
          slack: createSlackGate({
            signingSecret: config.slack.signingSecret ?? '',
            bodies: slackBodies,
            logger: logger.child({ component: 'slack' }),
            next: receiver.requestListener,
          }),
        }
      : {}),
    health,
    metrics,
    logger,
  });

  const { server } = http;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (socketMode) {
    // Slack being away must not stop the feed's intake: the socket client keeps reconnecting.
    bolt
      .start()
      .catch((error: unknown) => logger.error('Socket Mode failed to connect', { error }));
  }
  feed.start();
  // Recalls a crash or a stop interrupted go on where they were.
  recall.start();
  logger.info('recall-bot started', {
    port,
    mode: socketMode ? 'socket' : 'http',
    store: config.redisUrl ? 'redis' : 'sqlite',
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      health.markStopping();
      // Recalls in flight get up to 10 s; what is not sent by then resumes after the restart.
      const recalls = (async () => {
        const stopped = recall.stop(10_000);
        await recallLimiter.close();
        await stopped;
      })();
      // Requests in flight are answered (Connection: close); after 10 s what is left is cut.
      const closed = http.close(10_000);
      // A post in flight is waited for up to 15 s; cut short, it is looked for after the restart.
      await feed.stop(15_000);
      if (socketMode) await bolt.stop().catch(() => undefined);
      await closed;
      await recalls;
      await store.close();
      logger.info('recall-bot stopped');
    })();
    return stopped;
  };

  return { port, server, store, metrics, health, bolt, logger, stop };
}
