// The TCP fault proxy in front of the embedded backend, observed through the lean MQTT client
// and the HTTP transport: added latency shows in measured latencies, a black hole makes
// publishes time out, an outage drops and refuses, bandwidth stretches downloads.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import { isToolError } from '../../../src/errors/tool-error.js';
import { startFaultProxy, type FaultProxy } from '../../../src/faults/proxy/index.js';
import { OtaHttpClient } from '../../../src/transports/http/index.js';
import {
  MqttConnectionPool,
  PUBLISH_RESULT,
  type MqttPoolOptions,
} from '../../../src/transports/mqtt/index.js';
import { RecordingHandler, sleep } from './mqtt-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  port: 'mqtt' | 'http' = 'mqtt',
  poolOpts: Partial<MqttPoolOptions> = {},
): Promise<{
  be: EmbeddedBackend;
  proxy: FaultProxy;
  pool: MqttConnectionPool;
  h: RecordingHandler;
  url: string;
}> {
  const be = await startEmbeddedBackend();
  cleanups.push(() => be.close());
  const target = { host: '127.0.0.1', port: port === 'mqtt' ? be.mqttPort : be.httpPort };
  const proxy = await startFaultProxy({ listenHost: '127.0.0.1', listenPort: 0, target, protocol: port });
  cleanups.push(() => proxy.close());
  const h = new RecordingHandler();
  const pool = new MqttConnectionPool({ handler: h, tickMs: 50, ...poolOpts });
  cleanups.push(() => pool.close());
  return { be, proxy, pool, h, url: `${port}://127.0.0.1:${proxy.port}` };
}

async function connectOne(
  pool: MqttConnectionPool,
  h: RecordingHandler,
  id: number,
  url: string,
): Promise<number> {
  const before = h.connacks.length;
  pool.connect(id, url, { clientId: `p${id}`, keepaliveSec: 60 });
  await h.until(() => h.connacks.length > before, 5000, `CONNACK of ${id}`);
  const c = h.connacks[h.connacks.length - 1]!;
  expect(c.ok).toBe(true);
  return c.latencyUs;
}

async function publishOne(
  pool: MqttConnectionPool,
  h: RecordingHandler,
  id: number,
  token: number,
): Promise<number> {
  expect(pool.publish(id, 'proxy/t', Buffer.from('x'), 1, token)).toBe(PUBLISH_RESULT.sent);
  await h.until(() => h.acks.some((a) => a.token === token), 5000, `PUBACK ${token}`);
  return h.acks.find((a) => a.token === token)!.latencyUs;
}

describe('TCP fault proxy', () => {
  it('added latency shows up in measured connect and publish latency', async () => {
    const { proxy, pool, h, url } = await setup();
    await connectOne(pool, h, 1, url);
    await publishOne(pool, h, 1, 0); // warm up
    const fastPublish = await publishOne(pool, h, 1, 1);
    proxy.setLatency(80); // one way: a round trip gains ≥ 160 ms
    const slowConnect = await connectOne(pool, h, 2, url);
    const slowPublish = await publishOne(pool, h, 1, 2);
    expect(slowConnect).toBeGreaterThanOrEqual(160_000);
    expect(slowPublish).toBeGreaterThanOrEqual(160_000);
    expect(slowPublish).toBeGreaterThan(fastPublish);
  });

  it('a black hole makes publishes time out and the keepalive check end the link', async () => {
    const { proxy, pool, h, url } = await setup('mqtt', { ackTimeoutMs: 400 });
    pool.connect(1, url, { clientId: 'bh', keepaliveSec: 1 });
    await h.until(() => h.connacks.length === 1);
    proxy.blackhole(true);
    for (let t = 0; t < 3; t++) pool.publish(1, 'proxy/bh', Buffer.from('x'), 1, t);
    await h.until(() => h.fails.length === 3 || h.closes.length === 1, 4000, 'publish timeouts');
    expect(h.acks).toEqual([]);
    expect(h.fails.map((f) => f.reason)).toEqual(['timeout', 'timeout', 'timeout']);
    await h.until(() => h.closes.length === 1, 4000, 'keepalive close');
    expect(h.closes[0]?.reason).toBe('keepalive'); // the broker's own close never reached us
    proxy.blackhole(false);
    await sleep(50);
    expect(proxy.stats().open).toBe(0);
  });

  it('outage resets open connections and refuses new ones until it ends', async () => {
    const { proxy, pool, h, url } = await setup();
    await connectOne(pool, h, 1, url);
    proxy.outage(true);
    await h.until(() => h.closes.length === 1, 3000, 'dropped');
    expect(h.closes[0]?.reason).toBe('remote');
    pool.connect(2, url, { clientId: 'refused' });
    await h.until(() => h.closes.length === 2, 3000, 'refused');
    expect(h.connacks.find((c) => c.id === 2)?.ok).toBe(false);
    expect(proxy.stats().refused).toBe(1);
    proxy.outage(false);
    await connectOne(pool, h, 3, url);
  });

  it('reject answers new MQTT 3.1.1 and 5 connects with a refusing CONNACK and leaves open ones alone', async () => {
    const { be, proxy, pool, h, url } = await setup();
    await connectOne(pool, h, 1, url);
    proxy.reject(true);
    pool.connect(2, url, { clientId: 'rej4' });
    await h.until(() => h.closes.some((c) => c.id === 2), 3000, 'refused 3.1.1');
    expect(h.connacks.find((c) => c.id === 2)).toMatchObject({ ok: false, code: 3 });
    expect(h.closes.find((c) => c.id === 2)).toMatchObject({ reason: 'refused', code: 3 });
    const v5 = new RecordingHandler();
    const pool5 = new MqttConnectionPool({ handler: v5, protocolVersion: 5 });
    cleanups.push(() => pool5.close());
    pool5.connect(3, url, { clientId: 'rej5' });
    await v5.until(() => v5.closes.length === 1, 3000, 'refused 5');
    expect(v5.connacks[0]).toMatchObject({ ok: false, code: 0x9f });
    expect(await publishOne(pool, h, 1, 7)).toBeGreaterThan(0); // the open session still works
    expect(proxy.stats()).toMatchObject({ rejected: 2, accepted: 1 });
    expect(be.stats().mqtt.connects).toBe(1); // nothing rejected reached the broker
    proxy.reject(false);
    await connectOne(pool, h, 4, url);
  });

  it('reject answers HTTP requests with 503 until it ends', async () => {
    const { proxy, url } = await setup('http');
    const http = new OtaHttpClient({ baseUrl: url });
    cleanups.push(() => http.close());
    proxy.reject(true);
    const refused = await http.checkIn('d1', 'sensor', '1.0.0');
    expect(refused).toMatchObject({ ok: false, status: 503 });
    proxy.reject(false);
    const ok = await http.checkIn('d1', 'sensor', '1.0.0');
    expect(ok.ok).toBe(true);
    expect(proxy.stats().rejected).toBe(1);
  });

  it('resetAll drops every connection with a reset', async () => {
    const { proxy, pool, h, url } = await setup();
    await connectOne(pool, h, 1, url);
    await connectOne(pool, h, 2, url);
    proxy.resetAll();
    await h.until(() => h.closes.length === 2, 3000, 'both reset');
    expect(h.closes.map((c) => c.reason)).toEqual(['remote', 'remote']);
    await sleep(50);
    expect(proxy.stats().open).toBe(0);
  });

  it('bandwidth limits stretch a firmware download', async () => {
    const { proxy, url } = await setup('http');
    const http = new OtaHttpClient({ baseUrl: url });
    cleanups.push(() => http.close());
    proxy.setBandwidth(400_000);
    const t0 = performance.now();
    const res = await http.downloadFirmware('/v1/firmware/bw?size=200000');
    expect(res).toMatchObject({ ok: true, receivedBytes: 200_000 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(450);
  });

  it('listens on loopback only (the target it forwards to may be anywhere)', async () => {
    const opts = { listenHost: '0.0.0.0', target: { host: '127.0.0.1', port: 1883 } };
    await expect(startFaultProxy(opts)).rejects.toSatisfy(
      (err: unknown) => isToolError(err) && err.code === 'FLEETSTORM_ERR_TARGET_UNREACHABLE',
    );
  });
});
