// One case of bench/live-tls.ts in its own process (fresh heap): connect N devices to a local
// mosquitto over plain TCP or TLS (one shared client certificate, or one per device), with the
// lean pool or one MQTT.js client per device, and measure connects/s and RSS per connection after
// GC (`--impl node`: bare sockets without MQTT, the stack's own cost). Prints one JSON line.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { MqttClient } from 'mqtt';
import { monotonicUs } from '../../src/clock/real-clock.js';
import { MqttConnectionPool, type MqttTarget } from '../../src/transports/mqtt/index.js';

const { values } = parseArgs({
  options: {
    impl: { type: 'string', default: 'lean' },
    mode: { type: 'string', default: 'tcp' },
    port: { type: 'string' },
    connections: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '100' },
    certs: { type: 'string', default: '' },
  },
});

/** node: bare sockets, no MQTT (what Node's net/TLS stack alone costs per connection). */
const impl = values.impl === 'mqttjs' ? 'mqttjs' : values.impl === 'node' ? 'node' : 'lean';
const mode = values.mode as 'tcp' | 'tls-shared' | 'tls-device';
const N = Number(values.connections);
const concurrency = Number(values.concurrency);
const port = Number(values.port);
const gc = (globalThis as { gc?: () => void }).gc;
const log = (msg: string): void => void process.stderr.write(`[${impl} ${mode}] ${msg}\n`);
const file = (name: string): Buffer => readFileSync(join(values.certs, name));
const ca = mode === 'tcp' ? undefined : file('ca.pem');
/** The fleet certificate of the shared mode is the last device's. */
const SHARED = `sensor-${N}`;

interface Client {
  connect(index: number, done: (ok: boolean) => void): void;
  close(): Promise<void>;
}

/** Key material as a device would have it: read from its files when it connects. */
function deviceFiles(index: number): { cert: Buffer; key: Buffer } {
  const id = mode === 'tls-device' ? `sensor-${index}` : SHARED;
  return { cert: file(`${id}.pem`), key: file(`${id}.key`) };
}

function leanClient(): Client {
  const pending: ((ok: boolean) => void)[] = [];
  let closing = false;
  const pool = new MqttConnectionPool({
    protocolVersion: 4,
    connectTimeoutMs: 60_000,
    handler: {
      onConnack: (id, ok) => pending[id]?.(ok),
      onPublishAck: () => undefined,
      onMessage: () => undefined,
      onClose: (id) => {
        if (!closing && pending[id] === undefined) log(`lost ${id}`);
      },
    },
  });
  const shared = mode === 'tls-shared' ? deviceFiles(0) : undefined;
  const target: MqttTarget = {
    host: '127.0.0.1',
    port,
    tls: mode !== 'tcp',
    ...(mode === 'tcp' ? {} : { tlsOptions: { ca, ...shared } }),
  };
  return {
    connect(index, done) {
      pending[index] = (ok) => {
        pending[index] = undefined as unknown as (ok: boolean) => void;
        done(ok);
      };
      // per device: the device's own context, built from its files now (as src/live/tls-files.ts)
      const own = mode === 'tls-device' ? tls.createSecureContext({ ca, ...deviceFiles(index) }) : undefined;
      pool.connect(index, target, {
        clientId: `lean-${index}`,
        keepaliveSec: 300,
        ...(own ? { secureContext: own } : {}),
      });
    },
    close: async () => {
      closing = true;
      pool.close();
    },
  };
}

function nodeSockets(): Client {
  const sockets: net.Socket[] = [];
  const shared = mode === 'tcp' ? undefined : tls.createSecureContext({ ca, ...deviceFiles(0) });
  return {
    connect(index, done) {
      const own = mode === 'tls-device' ? tls.createSecureContext({ ca, ...deviceFiles(index) }) : shared;
      const socket =
        own === undefined
          ? net.connect({ host: '127.0.0.1', port, noDelay: true })
          : tls.connect({ host: '127.0.0.1', port, secureContext: own });
      socket.once(own === undefined ? 'connect' : 'secureConnect', () => done(true));
      socket.once('error', () => done(false));
      socket.on('data', () => undefined);
      sockets.push(socket);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
    },
  };
}

function mqttjsClient(): Client {
  const clients: MqttClient[] = [];
  return {
    connect(index, done) {
      const stream = (): net.Socket =>
        mode === 'tcp'
          ? net.createConnection({ host: '127.0.0.1', port, noDelay: true })
          : // what MQTT.js's own mqtts builder does: tls.connect with the options as given
            tls.connect({
              host: '127.0.0.1',
              port,
              ca,
              ...deviceFiles(index),
              noDelay: true,
            } as tls.ConnectionOptions);
      const client = new MqttClient(stream, {
        clientId: `mqttjs-${index}`,
        keepalive: 300,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 60_000,
        protocolVersion: 4,
      });
      clients[index] = client;
      let settled = false;
      const once = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        done(ok);
      };
      client.once('connect', () => once(true));
      client.on('error', () => once(false));
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.endAsync(true)));
    },
  };
}

function settleRss(): number {
  for (let i = 0; i < 4; i++) gc?.();
  return process.memoryUsage().rss;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Connects [from, to) with at most `concurrency` handshakes outstanding; returns ok count. */
function connectRange(client: Client, from: number, to: number): Promise<number> {
  let next = from;
  let settled = 0;
  let ok = 0;
  return new Promise((resolve) => {
    const pump = (): void => {
      while (next < to && next - from - settled < concurrency) {
        client.connect(next++, (good) => {
          settled++;
          if (good) ok++;
          if (settled === to - from) resolve(ok);
          else pump();
        });
      }
    };
    pump();
  });
}

async function main(): Promise<void> {
  const client = impl === 'lean' ? leanClient() : impl === 'node' ? nodeSockets() : mqttjsClient();
  const warmup = Math.min(300, Math.floor(N / 10));
  await connectRange(client, 0, warmup);
  await sleep(300);
  const before = settleRss();
  log(`connecting ${N - warmup}`);
  const t0 = monotonicUs();
  const ok = await connectRange(client, warmup, N);
  const sec = (monotonicUs() - t0) / 1e6;
  await sleep(1000);
  const after = settleRss();
  await client.close();
  const result = {
    impl,
    mode,
    connections: N,
    measured: N - warmup,
    ok,
    connectsPerSec: Math.round(ok / sec),
    rssPerConnBytes: Math.round((after - before) / Math.max(1, ok)),
    rssMiB: Math.round((after / 2 ** 20) * 10) / 10,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

await main();
