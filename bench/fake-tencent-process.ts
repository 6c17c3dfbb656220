// The fake Tencent REST server in a process of its own, so the benchmark's own load (clients,
// fake Slack) cannot delay the moment a request is seen. GET /stats on STATS_PORT reports.
import { createServer } from 'node:http';
import { startFakeTencent } from '../test/fakes/tencent-api.js';

const account = process.env.ACCOUNT ?? '@TOA#_BENCH';
const keys = Array.from(
  { length: Number(process.env.KEYS ?? 0) },
  (_, i) => `${i + 1}_1_1698741698`,
);
const tencent = await startFakeTencent({
  sdkAppId: Number(process.env.SDKAPPID),
  key: process.env.SECRET_KEY ?? '',
  identifier: 'administrator',
  ratePerSecond: Number(process.env.RATE ?? 200),
  messages: { [account]: keys },
});
const stats = createServer((_req, res) => {
  const body = JSON.stringify({
    url: tencent.url,
    calls: tencent.calls.map((c) => ({ at: c.at, answer: c.answer })),
    maxInAnySecond: tencent.maxInAnySecond(),
    recalled: keys.filter((k) => tencent.isRecalled(account, k)).length,
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
stats.listen(Number(process.env.STATS_PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  stats.close();
  void tencent.close().then(() => process.exit(0));
});
