// `fleetstorm serve` as a user runs it (needs `npm run build`): prints the bound URLs for
// ports 0, answers on both, and closes cleanly on SIGINT with exit code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { assertMqttReachable, parseMqttUrl } from '../../../src/transports/mqtt/index.js';
import { OtaHttpClient } from '../../../src/transports/http/index.js';

let child: ChildProcess | null = null;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = null;
});

function readUrls(p: ChildProcess): Promise<{ mqtt: string; http: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    p.stdout?.on('data', (b: Buffer) => {
      text += b.toString();
      const mqtt = /^mqtt: (\S+)$/m.exec(text)?.[1];
      const http = /^http: (\S+)$/m.exec(text)?.[1];
      if (mqtt && http) resolve({ mqtt, http });
    });
    p.once('exit', (code) => reject(new Error(`serve exited early (${code})`)));
  });
}

it('serves the embedded backend on loopback until SIGINT', async () => {
  const p = spawn(process.execPath, ['bin/fleetstorm.js', 'serve', '--mqtt-port', '0', '--http-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = p;
  const urls = await readUrls(p);
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
  const p = spawn(
    process.execPath,
    ['bin/fleetstorm.js', 'serve', '--host', '127.0.0.2', '--mqtt-port', '0', '--http-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = p;
  const urls = await readUrls(p);
  expect(urls.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.2:\d+$/);
  await assertMqttReachable(parseMqttUrl(urls.mqtt), 2000);
  const exited = once(p, 'exit');
  p.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
}, 20_000);
