import { renderEventDetails } from '../feed/render/details.js';
import { countOf } from '../slack/counts.js';
import type { EventQueue } from '../store/queue.js';

/** Dead letters listed at most. */
const LIST_MAX = 1000;

const USAGE = 'usage: npm run dead-letters [-- list | -- replay [id…]]';

/** The dead-letters command: `list` (the default) or `replay [id…]`; resolves the exit code. */
export async function runDeadLetters(
  queue: Pick<EventQueue, 'deadLetterCount' | 'deadLetters' | 'replayDeadLetters'>,
  args: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const [command = 'list', ...ids] = args;
  if (command === 'list' && ids.length === 0) {
    const total = await queue.deadLetterCount();
    const letters = await queue.deadLetters(LIST_MAX);
    print(countOf(total, 'dead letter'));
    for (const letter of letters) {
      print('');
      print(`[${letter.id}] set aside ${new Date(letter.at).toISOString()}: ${letter.reason}`);
      print(renderEventDetails(letter.event).replace(/^/gm, '  '));
    }
    const hidden = total - letters.length;
    // Fewer than asked for: the rest are events that cannot be read (set aside for that).
    if (hidden > 0 && letters.length < LIST_MAX) print(`… and ${hidden} that cannot be read`);
    else if (hidden > 0) print(`… and ${hidden} more`);
    return 0;
  }
  if (command === 'replay') {
    const replayed = await queue.replayDeadLetters(ids.length > 0 ? ids : undefined);
    print(`${countOf(replayed, 'event')} put back in the queue`);
    return 0;
  }
  print(USAGE);
  return 2;
}
