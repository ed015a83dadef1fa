// A live run over MQTT over WebSockets: devices and the end-to-end subscriber reach aedes behind a
// `ws` server (ws://, and wss:// with target.tls.ca), so the whole path (scenario URL, target
// probe, pool, subscriber) speaks WebSockets; every acknowledged publish is delivered.
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type net from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { makeCerts } from '../transports/tls-broker.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wsBroker(server: http.Server | https.Server): Promise<number> {
  const broker = await Aedes.createBroker();
  const wss = new WebSocketServer({ server, path: '/mqtt' });
  wss.on('connection', (ws) => broker.handle(createWebSocketStream(ws) as unknown as net.Socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  return (server.address() as net.AddressInfo).port;
}

async function run(target: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject(
    {
      name: 'ws-live',
      seed: 5,
      mode: 'live',
      duration: '3m',
      fleet: [{ device: 'gateway', count: 12 }],
      'power-on': { spread: '20s' },
      live: { speed: 60 },
      target,
    },
    'ws-live (in memory)',
    { env: {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

const counter = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

describe('live mode over MQTT over WebSockets', () => {
  it('runs a fleet over ws:// with the subscriber on the same WebSocket broker', async () => {
    const port = await wsBroker(http.createServer());
    const r = await run({ mqtt: `ws://127.0.0.1:${port}/mqtt` });
    expect(r.status).toBe('completed');
    expect(counter(r, 'mqtt_connect_success_total')).toBe(12);
    expect(counter(r, 'mqtt_publish_acked_total')).toBeGreaterThan(0);
    expect(counter(r, 'mqtt_delivered_total')).toBe(counter(r, 'mqtt_publish_acked_total'));
  });

  it('runs over wss:// trusting target.tls.ca', async () => {
    const certs = await makeCerts(0);
    cleanups.push(() => certs.remove());
    const port = await wsBroker(
      https.createServer({ cert: certs.file('server.pem'), key: certs.file('server.key') }),
    );
    const r = await run({ mqtt: `wss://127.0.0.1:${port}`, tls: { ca: join(certs.dir, 'ca.pem') } });
    expect(counter(r, 'mqtt_connect_success_total')).toBe(12);
    expect(counter(r, 'mqtt_delivered_total')).toBe(counter(r, 'mqtt_publish_acked_total'));
    expect(r.warnings).toEqual([]);
  });
});
