import type { Logger } from '../log.js';
import type { RecallService } from '../recall/service.js';
import type { OnceStore } from '../store/once.js';
import type { PostLinks } from '../store/post-links.js';

/** What the listeners need; they parse, call `recall/`, and answer — nothing more. */
export interface ListenerDeps {
  /** Confirmations and click locks. */
  once: OnceStore;
  /** The feed's posts (a Recall all button reads what its post shows). */
  links: PostLinks;
  /** Listeners only ask whether a person may recall, and start a confirmed recall. */
  recall: Pick<RecallService, 'authorize' | 'run'>;
  logger: Logger;
  /**
   * Other teams and enterprises (`T…`, `E…`) whose people may use the app (Slack Connect);
   * requests from anywhere else but the installed workspace are refused.
   */
  allowedTeamIds: readonly string[];
}

/** What a person is told when their request failed on our side; nothing was recalled. */
export const SOMETHING_FAILED =
  ':x: Something went wrong on our side and nothing was recalled. Please try again in a moment.';

/** Slack waits 3 s for the answer to a command or a form: the store gets 2 of them. */
export const STORE_DEADLINE_MS = 2_000;
