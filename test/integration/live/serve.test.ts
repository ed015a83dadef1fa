// `fleetstorm serve` as a user runs it (needs `npm run build`): prints the bound URLs for
// ports 0, answers on both, and closes cleanly on SIGINT with exit code 0.
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { assertMqttReachable, parseMqttUrl } from '../../../src/transports/mqtt/index.js';
import { OtaHttpClient } from '../../../src/transports/http/index.js';
import { startServe } from '../../helpers/serve.js';

it('serves the embedded backend on loopback until SIGINT', async () => {
  const { child: p, urls } = await startServe();
  expect(urls.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
  await assertMqttReachable(parseMqttUrl(urls.mqtt), 2000);
  const http = new OtaHttpClient({ baseUrl: urls.http });
  await http.assertReachable();
  await http.close();
  const exited = once(p, 'exit');
  p.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
}, 20_000);

it('serves on the address --host names (a loopback alias here) and says so in its URLs', async () => {
  const { child: p, urls } = await startServe(['--host', '127.0.0.2']);
  expect(urls.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.2:\d+$/);
  await assertMqttReachable(parseMqttUrl(urls.mqtt), 2000);
  const exited = once(p, 'exit');
  p.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
}, 20_000);
