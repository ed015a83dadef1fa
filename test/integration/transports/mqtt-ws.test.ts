// MQTT over WebSockets through the pool, against aedes behind a `ws` server (Debian's mosquitto
// here is built without working WebSocket listeners): ws:// and wss:// (a private CA, checked),
// the `mqtt` subprotocol and the URL's path, publish + subscribe round trip, and a wrong path
// counted as a failed connect, not thrown.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { MqttConnectionPool, parseMqttUrl } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from './mqtt-harness.js';
import { makeCerts } from './tls-broker.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface WsBroker {
  port: number;
  /** Subprotocols the clients asked for. */
  protocols: string[];
}

async function startWsBroker(server: http.Server | https.Server, path = '/mqtt'): Promise<WsBroker> {
  const broker = await Aedes.createBroker();
  const protocols: string[] = [];
  const wss = new WebSocketServer({
    server,
    path,
    handleProtocols: (offered) => {
      protocols.push(...offered);
      return offered.has('mqtt') ? 'mqtt' : false;
    },
  });
  wss.on('connection', (ws) => broker.handle(createWebSocketStream(ws) as unknown as net.Socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  return { port: (server.address() as net.AddressInfo).port, protocols };
}

function newPool(): { h: RecordingHandler; pool: MqttConnectionPool } {
  const h = new RecordingHandler();
  const pool = new MqttConnectionPool({ handler: h });
  cleanups.push(() => pool.close());
  return { h, pool };
}

async function roundTrip(pool: MqttConnectionPool, h: RecordingHandler): Promise<void> {
  await h.until(() => h.connacks.length === 1, 5000, 'CONNACK over WebSocket');
  expect(h.connacks[0]).toMatchObject({ ok: true });
  pool.subscribe(1, 'ws/echo', 1, 7);
  await h.until(() => h.subacks.length === 1, 5000, 'SUBACK');
  // a payload larger than one WebSocket message the broker might send: frames are reassembled
  const payload = Buffer.alloc(70_000, 0x61);
  pool.publish(1, 'ws/echo', payload, 1, 8);
  await h.until(() => h.acks.length === 1 && h.messages.length === 1, 5000, 'PUBACK and the echo');
  expect(h.messages[0]?.payload.length).toBe(payload.length);
  pool.disconnect(1, { clean: true });
  expect(h.closes).toEqual([{ id: 1, reason: 'clean', code: 0 }]);
}

describe('MQTT over WebSockets', () => {
  it('parses ws:// and wss:// URLs (path from the URL, /mqtt by default)', () => {
    expect(parseMqttUrl('ws://127.0.0.1:9001')).toEqual({
      host: '127.0.0.1',
      port: 9001,
      tls: false,
      wsPath: '/mqtt',
    });
    expect(parseMqttUrl('wss://broker.staging.test/custom?x=1')).toEqual({
      host: 'broker.staging.test',
      port: 443,
      tls: true,
      wsPath: '/custom?x=1',
    });
  });

  it('connects, subscribes, publishes and receives over ws:// with the mqtt subprotocol', async () => {
    const broker = await startWsBroker(http.createServer(), '/mqtt-ws');
    const { h, pool } = newPool();
    pool.connect(1, `ws://127.0.0.1:${broker.port}/mqtt-ws`, { clientId: 'ws-1' });
    await roundTrip(pool, h);
    expect(broker.protocols).toEqual(['mqtt']);
  });

  it('connects over wss:// trusting a private CA, and fails as TLS without it', async () => {
    const certs = await makeCerts(0);
    cleanups.push(() => certs.remove());
    const server = https.createServer({ cert: certs.file('server.pem'), key: certs.file('server.key') });
    const broker = await startWsBroker(server);
    const { h, pool } = newPool();
    const url = `wss://127.0.0.1:${broker.port}`;
    const target = { ...parseMqttUrl(url), tlsOptions: { ca: certs.ca } };
    pool.connect(1, target, { clientId: 'wss-1' });
    await roundTrip(pool, h);
    const untrusted = newPool();
    untrusted.pool.connect(2, url, { clientId: 'wss-2' });
    await untrusted.h.until(() => untrusted.h.closes.length === 1, 5000, 'TLS failure');
    expect(untrusted.h.connacks[0]).toMatchObject({ ok: false, code: -5 });
    expect(Object.keys(untrusted.pool.stats().tlsErrors)).toEqual(['UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
  });

  it('resumes the TLS session of a wss:// reconnect', async () => {
    const certs = await makeCerts(0);
    cleanups.push(() => certs.remove());
    const server = https.createServer({ cert: certs.file('server.pem'), key: certs.file('server.key') });
    const broker = await startWsBroker(server);
    const { h, pool } = newPool();
    const target = { ...parseMqttUrl(`wss://127.0.0.1:${broker.port}`), tlsOptions: { ca: certs.ca } };
    for (let round = 1; round <= 3; round++) {
      pool.connect(1, target, { clientId: 'wss-again' });
      await h.until(() => h.connacks.length === round, 5000, `CONNACK ${round}`);
      pool.disconnect(1, { clean: true });
    }
    expect(h.connacks.every((c) => c.ok)).toBe(true);
    expect(pool.stats().tlsResumed).toBeGreaterThanOrEqual(1);
  });

  it('counts an upgrade refused on a wrong path as a failed connect', async () => {
    const broker = await startWsBroker(http.createServer(), '/mqtt');
    const { h, pool } = newPool();
    pool.connect(1, `ws://127.0.0.1:${broker.port}/nope`, { clientId: 'ws-404' });
    await h.until(() => h.closes.length === 1, 5000, 'refused upgrade');
    expect(h.connacks[0]).toMatchObject({ ok: false });
    expect(h.closes[0]?.reason).toBe('error');
    expect(pool.stats().socketErrors).toEqual({ WS_HTTP_400: 1 });
  });
});
