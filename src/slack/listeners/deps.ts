import type { Logger } from '../../log.js';
import type { RecallService } from '../../recall/service.js';
import type { Store } from '../../store/store.js';

/** What the listeners need; they parse, call `recall/`, and answer — nothing more. */
export interface ListenerDeps {
  store: Store;
  recall: RecallService;
  logger: Logger;
}
