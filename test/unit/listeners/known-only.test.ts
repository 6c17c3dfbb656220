import { beforeEach, describe, expect, it } from 'vitest';
import {
  type HandledRequests,
  knownRequestsOnly,
  NOT_KNOWN,
} from '../../../src/listeners/known-only.js';
import { silentLogger } from '../../../src/log.js';
import {
  ackedThenToldBeside,
  buttonArgs,
  commandArgs,
  eventArgs,
  type ListenerFakes,
  listenerFakes,
  shortcutArgs,
  viewArgs,
} from '../../helpers/listener-args.js';
import {
  channelClickPayload,
  messageShortcutPayload,
  viewSubmissionPayload,
} from '../../helpers/slack-requests.js';

const handled: HandledRequests = {
  commands: ['/recall'],
  actions: ['confirm_recall'],
  views: ['recall_modal'],
  messageShortcuts: ['recall_messages'],
};

describe('knownRequestsOnly', () => {
  let fakes: ListenerFakes;
  const middleware = knownRequestsOnly(handled, { logger: silentLogger });
  beforeEach(() => {
    fakes = listenerFakes();
  });

  const passedOn = () => expect(fakes.steps).toEqual([{ kind: 'next' }]);

  /** A click in a channel message; without a response URL, answers go through the client. */
  const click = (actionId: string) =>
    channelClickPayload({ actionId, userId: 'U1', channelId: 'C1' });
  const shortcut = (fields: Record<string, unknown>) => ({
    ...messageShortcutPayload({
      userId: 'U1',
      channelId: 'C1',
      message: { ts: '1.000001' },
      responseUrl: '',
    }),
    response_url: undefined,
    ...fields,
  });

  it('passes on what a listener handles', async () => {
    await middleware(commandArgs(fakes, { command: '/recall' }));
    passedOn();
    fakes = listenerFakes();
    await middleware(buttonArgs(fakes, click('confirm_recall')));
    passedOn();
    fakes = listenerFakes();
    await middleware(viewArgs(fakes, viewSubmissionPayload({ userId: 'U1', privateMetadata: '' })));
    passedOn();
    fakes = listenerFakes();
    await middleware(shortcutArgs(fakes, shortcut({})));
    passedOn();
  });

  it('passes on what it does not judge: events', async () => {
    await middleware(eventArgs(fakes, { type: 'event_callback', event: { type: 'app_mention' } }));
    passedOn();
  });

  it('answers a command no listener takes, at once, and goes no further', async () => {
    await middleware(commandArgs(fakes, { command: '/recall-old' }));
    expect(fakes.steps).toEqual([
      { kind: 'ack', response: { response_type: 'ephemeral', text: NOT_KNOWN } },
    ]);
  });

  it('answers a button of an older version, telling the person beside it', async () => {
    await middleware(buttonArgs(fakes, click('old_button')));
    expect(fakes.steps).toEqual(
      ackedThenToldBeside({ channel: 'C1', user: 'U1', text: NOT_KNOWN }),
    );
  });

  it('answers a form it does not know on the form', async () => {
    const body = viewSubmissionPayload({ userId: 'U1', privateMetadata: '' });
    (body.view as { callback_id: string }).callback_id = 'forged_modal';
    await middleware(viewArgs(fakes, body));
    expect(fakes.acks()).toEqual([expect.objectContaining({ response_action: 'update' })]);
    expect(JSON.stringify(fakes.acks())).toContain('does not know this button or form');
  });

  it('answers a closed form and a global shortcut, which no listener takes', async () => {
    await middleware(
      viewArgs(fakes, { type: 'view_closed', view: { callback_id: 'recall_modal' } }),
    );
    await middleware(shortcutArgs(fakes, shortcut({ type: 'shortcut' })));
    await middleware(shortcutArgs(fakes, shortcut({ callback_id: 'other_shortcut' })));
    expect(fakes.steps.map((s) => s.kind)).not.toContain('next');
    expect(fakes.acks()).toHaveLength(3);
  });
});
