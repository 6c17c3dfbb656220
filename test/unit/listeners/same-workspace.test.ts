import { beforeEach, describe, expect, it } from 'vitest';
import { OTHER_WORKSPACE, sameWorkspaceOnly } from '../../../src/listeners/same-workspace.js';
import {
  ackedThenToldBeside,
  buttonArgs,
  commandArgs,
  type ListenerFakes,
  listenerFakes,
  TEAM_ID,
} from '../../helpers/listener-args.js';
import { type LoggedLine, recordingLogger } from '../../helpers/logger.js';
import { channelClickPayload } from '../../helpers/slack-requests.js';

describe('sameWorkspaceOnly', () => {
  let fakes: ListenerFakes;
  let lines: LoggedLine[];
  let middleware: ReturnType<typeof sameWorkspaceOnly>;

  beforeEach(() => {
    fakes = listenerFakes();
    const recorded = recordingLogger();
    lines = recorded.lines;
    middleware = sameWorkspaceOnly({ allowedTeamIds: ['TPARTNER'], logger: recorded.logger });
  });

  const refusedCommand = () =>
    expect(fakes.steps).toEqual([
      { kind: 'ack', response: { response_type: 'ephemeral', text: OTHER_WORKSPACE } },
    ]);

  it('passes on a request from the installed workspace', async () => {
    await middleware(commandArgs(fakes, { team_id: TEAM_ID }));
    expect(fakes.steps).toEqual([{ kind: 'next' }]);
  });

  it('passes on a request from a team listed for Slack Connect', async () => {
    await middleware(commandArgs(fakes, { team_id: 'TPARTNER' }));
    expect(fakes.steps).toEqual([{ kind: 'next' }]);
  });

  it('refuses a request from another team, saying which, and goes no further', async () => {
    await middleware(commandArgs(fakes, { team_id: 'TOTHER' }));
    refusedCommand();
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'refused a Slack request from another workspace',
        fields: { teams: ['TOTHER'], enterprises: [] },
      },
    ]);
  });

  it('refuses a request from another enterprise, even with our team ID', async () => {
    await middleware(commandArgs(fakes, { team_id: TEAM_ID, enterprise_id: 'EOTHER' }));
    refusedCommand();
  });

  it('refuses a click by a user of another team in our channel, beside the click', async () => {
    const body = channelClickPayload({
      actionId: 'confirm_recall',
      userId: 'UGUEST',
      channelId: 'CMOD',
    });
    body.user = { id: 'UGUEST', team_id: 'TOTHER' };
    await middleware(buttonArgs(fakes, body));
    expect(fakes.steps).toEqual(
      ackedThenToldBeside({ channel: 'CMOD', user: 'UGUEST', text: OTHER_WORKSPACE }),
    );
  });

  it('refuses a request whose workspace cannot be read', async () => {
    await middleware(commandArgs(fakes, { team_id: 'not an id' }));
    refusedCommand();
  });
});
