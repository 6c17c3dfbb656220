/**
 * A fake Slack that speaks Slack's wire protocol on loopback, for integration tests and benchmarks.
 *
 * Point a WebClient (or Bolt's `clientOptions`) at `apiUrl`. It serves:
 * - the Web API at `POST /api/{method}`: form-encoded, JSON or multipart bodies, the token in
 *   `Authorization: Bearer …` or a `token` argument; answers `{ok:true,…}` or HTTP 200
 *   `{ok:false,error}` as Slack does, HTTP 429 + `Retry-After` when a method is over its limit;
 * - the upload URLs that `files.getUploadURLExternal` hands out (`POST /upload/v1/{file id}`,
 *   raw bytes or multipart, which is what WebClient sends);
 * - response URLs (`POST /response/{id}`), JSON as Bolt's `respond()` sends it.
 *
 * Besides outages and rate limits, a test can make one method fail next (`failNext`), withhold
 * answers after their effect (`hold`, as when the app is killed mid-call), limit posts per
 * channel, take scopes away, archive channels and delete messages as a person would.
 *
 * The parts live in `./slack/`, one job each: `server.ts` (routing, auth, outages, faults, rate
 * limits), `block-kit.ts` (Block Kit checks), `chat.ts`, `files.ts`, `views.ts`, `directory.ts`
 * (users, groups, auth) and `response-urls.ts`; `types.ts` holds the public types. This file
 * starts the server and exports what tests use.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSlackServer } from './slack/server.js';
import type { FakeSlack, FakeSlackOptions } from './slack/types.js';

export type { MethodFault } from './slack/faults.js';
export type { HeldAnswers } from './slack/holds.js';
export { DEFAULT_FAKE_TOKEN, fakeSlackIdentity } from './slack/identity.js';
// Every public type of the fake (its options, what it records, the FakeSlack handle).
export type * from './slack/types.js';

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const fake = new FakeSlackServer(server, `http://127.0.0.1:${port}`, options);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.serve(req, res));
  return fake;
}
