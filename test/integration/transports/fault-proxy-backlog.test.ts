// The fault proxy shares its process with the devices, so in a reconnect storm its event loop
// accepts late. Its accept queue must then hold the burst (as deep as the kernel allows) rather
// than drop SYNs the client only resends 1, 3 and 7 s later. Here the proxy's process is blocked
// (spawnSync) while a child opens a burst of connections: the kernel alone completes them, so
// each one the queue cannot hold stays unconnected until the proxy runs again. A client that
// gave up while queued (sent its CONNECT and its FIN) is not dialed through to the target.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG, startFaultProxy } from '../../../src/faults/proxy/proxy.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function somaxconn(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  } catch {
    return 0;
  }
}

/** Opens `count` connections to the port; prints how many connected (gives up after 5 s). */
const BURST = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
const sockets = [];
let connected = 0;
const done = () => { process.stdout.write(String(connected)); for (const s of sockets) s.destroy(); process.exit(0); };
const timer = setTimeout(done, 5000);
for (let i = 0; i < count; i++) {
  const s = net.connect(port, '127.0.0.1');
  sockets.push(s);
  s.on('error', () => {});
  s.on('connect', () => { if (++connected === count) { clearTimeout(timer); done(); } });
}`;

// Node's default backlog is 511; the burst must be larger and fit the kernel's cap.
const burst = Math.min(somaxconn(), LISTEN_BACKLOG, 800);

/** Connects, sends a CONNECT's first bytes and a FIN, exits: a device whose connect timed out. */
const GIVE_UP = `
const net = require('node:net');
const s = net.connect(Number(process.argv[1]), '127.0.0.1', () => s.end(Buffer.from([0x10, 0x00]), () => process.exit(0)));
s.on('error', () => process.exit(1));`;

async function sinkServer(): Promise<{ port: number; connections: () => number; bytes: () => number }> {
  let connections = 0;
  let bytes = 0;
  const sink = net.createServer((s) => {
    connections++;
    s.on('error', () => undefined); // the proxy resets it at the end
    s.on('data', (chunk: Buffer) => (bytes += chunk.length));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => sink.close(() => resolve())));
  const port = (sink.address() as net.AddressInfo).port;
  return { port, connections: () => connections, bytes: () => bytes };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('fault proxy accept queue', () => {
  it.skipIf(burst < 600)('holds a burst of connects while its process is busy', async () => {
    const sink = await sinkServer();
    const target = { host: '127.0.0.1', port: sink.port };
    const proxy = await startFaultProxy({ listenHost: '127.0.0.1', listenPort: 0, target });
    cleanups.push(() => proxy.close());
    // this process (the proxy's) is blocked until the child is done
    const child = spawnSync(process.execPath, ['-e', BURST, String(proxy.port), String(burst)], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.status).toBe(0);
    expect(Number(child.stdout)).toBe(burst);
  });

  it('does not dial the target for a client that left while queued', async () => {
    const sink = await sinkServer();
    const target = { host: '127.0.0.1', port: sink.port };
    const proxy = await startFaultProxy({ listenPort: 0, target, protocol: 'mqtt' });
    cleanups.push(() => proxy.close());
    const child = spawnSync(process.execPath, ['-e', GIVE_UP, String(proxy.port)], { timeout: 30_000 });
    expect(child.status).toBe(0);
    await until(() => proxy.stats().abandoned === 1, 'the abandoned client');
    // a client that stays is dialed through, its bytes forwarded
    const live = net.connect(proxy.port, '127.0.0.1', () => live.write(Buffer.from([0x10, 0x00])));
    live.on('error', () => undefined);
    cleanups.push(() => void live.destroy());
    await until(() => sink.bytes() === 2, 'the live client forwarded');
    expect(sink.connections()).toBe(1);
    expect(proxy.stats()).toMatchObject({ accepted: 1, abandoned: 1 });
  });
});
