// MQTT over WebSockets with a host name mapped by `--resolve` (the pool's hostAddresses): the
// socket goes to the mapped address, the URL keeps the name (the server sees it as Host).
import http from 'node:http';
import type net from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { MqttConnectionPool } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from './mqtt-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('connects ws://broker.staging.test through its mapped address, sending the name as Host', async () => {
  const broker = await Aedes.createBroker();
  const server = http.createServer();
  const hosts: string[] = [];
  const wss = new WebSocketServer({ server, path: '/mqtt', handleProtocols: () => 'mqtt' });
  wss.on('connection', (ws, req) => {
    hosts.push(req.headers.host ?? '');
    broker.handle(createWebSocketStream(ws) as unknown as net.Socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const port = (server.address() as net.AddressInfo).port;
  cleanups.push(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  const h = new RecordingHandler();
  const pool = new MqttConnectionPool({ handler: h, hostAddresses: { 'broker.staging.test': '127.0.0.2' } });
  cleanups.push(() => pool.close());
  pool.connect(1, `ws://broker.staging.test:${port}/mqtt`, { clientId: 'ws-resolve' });
  await h.until(() => h.connacks.length === 1, 5000, 'CONNACK over WebSocket');
  expect(h.connacks[0]).toMatchObject({ ok: true });
  expect(hosts).toEqual([`broker.staging.test:${port}`]);
});
