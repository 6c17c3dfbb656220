import { loadConfig, secretsOf } from '../config.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { runDeadLetters } from './dead-letters-command.js';

/**
 * `npm run dead-letters` lists the events the feed set aside; `npm run dead-letters -- replay
 * [id…]` puts them (all, or those named) back in the queue, where the running app picks them
 * up. Reads the same configuration as the app (`.env`, `DATA_DIR`, `REDIS_URL`).
 */
async function main(): Promise<number> {
  let store: Store | undefined;
  try {
    const config = loadConfig();
    const logger = createLogger({ level: 'warn', secrets: secretsOf(config) });
    store = await openStore(config, logger);
    return await runDeadLetters(store.queue, process.argv.slice(2), (line) =>
      process.stdout.write(`${line}\n`),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`dead-letters: ${message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

main().then((code) => process.exit(code));
