/**
 * The IDs Slack sends back when someone clicks, submits or picks what the app put in a message:
 * one home for the code that builds the element and the listener that answers it.
 */

/** The Recall button of a feed post of one sent Official Channel message. */
export const FEED_RECALL_ACTION_ID = 'feed_recall';
/** The Recall all button of a feed post of several sent messages. */
export const FEED_RECALL_ALL_ACTION_ID = 'feed_recall_all';
/** The one explicit confirmation of a recall (`/recall <account> <keys…>`, the form). */
export const CONFIRM_RECALL_ACTION_ID = 'confirm_recall';
export const CANCEL_RECALL_ACTION_ID = 'cancel_recall';
/** Under a recall's report: recall again the messages that failed. */
export const RETRY_RECALL_ACTION_ID = 'retry_recall';
/** The recall form (modal). */
export const RECALL_MODAL_ID = 'recall_modal';
/** The message shortcut *Recall messages* (as the app's manifest names it). */
export const RECALL_SHORTCUT_ID = 'recall_messages';
