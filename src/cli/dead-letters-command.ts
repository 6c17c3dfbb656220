import { renderEventDetails } from '../feed/render/details.js';
import type { EventQueue } from '../store/queue.js';

const USAGE = 'usage: npm run dead-letters [-- list | -- replay [id…]]';

/** The dead-letters command: `list` (the default) or `replay [id…]`; resolves the exit code. */
export async function runDeadLetters(
  queue: EventQueue,
  args: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const [command = 'list', ...ids] = args;
  if (command === 'list' && ids.length === 0) {
    const total = await queue.deadLetterCount();
    const letters = await queue.deadLetters(1000);
    print(`${total} dead letter${total === 1 ? '' : 's'}`);
    for (const letter of letters) {
      print('');
      print(`[${letter.id}] set aside ${new Date(letter.at).toISOString()}: ${letter.reason}`);
      print(renderEventDetails(letter.event).replace(/^/gm, '  '));
    }
    if (letters.length < total) print(`… and ${total - letters.length} more`);
    return 0;
  }
  if (command === 'replay') {
    const replayed = await queue.replayDeadLetters(ids.length > 0 ? ids : undefined);
    print(`${replayed} event${replayed === 1 ? '' : 's'} put back in the queue`);
    return 0;
  }
  print(USAGE);
  return 2;
}
