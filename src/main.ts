import { startApp } from './app.js';
import { ConfigError, loadConfig, secretsOf } from './config.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`recall-bot cannot start. ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const app = await startApp(config, { logger });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    logger.info('stopping', { signal });
    // Whatever hangs, the process is gone within 30 s (what was not finished is resumed later).
    setTimeout(() => {
      logger.error('stop took too long: exiting now');
      process.exit(1);
    }, 28_000).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('stop failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // The last line of defence: a rejection nothing handled is a bug to log, not a reason to drop
  // every request in flight (input that could cause one is refused at the door).
  process.on('unhandledRejection', (error: unknown) => {
    logger.error('unhandled rejection', { error });
  });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`recall-bot failed to start: ${message}\n`);
  process.exit(1);
});
