// The fault proxy's connection-rate limit: a broker that caps its accept rate. Connections over
// the limit wait in arrival order and reach the target one token at a time; one whose client
// left while waiting spends its turn and never reaches the target; lifting the limit lets every
// waiting connection through. Timing is checked from below only (a limit guarantees a minimum
// span; a slow machine can only make it longer).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../src/faults/proxy/proxy.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Target {
  port: number;
  /** First byte each connection sent, in the order the connections reached the target. */
  order: number[];
  times: number[];
}

async function target(): Promise<Target> {
  const t: Target = { port: 0, order: [], times: [] };
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', (chunk: Buffer) => {
      t.order.push(chunk[0] as number);
      t.times.push(performance.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.port = (server.address() as net.AddressInfo).port;
  return t;
}

async function proxyTo(port: number): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port }, protocol: 'mqtt' });
  cleanups.push(() => proxy.close());
  return proxy;
}

/** A client that sends one byte (its id) once connected; resolves when connected. */
async function client(port: number, id: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  cleanups.push(() => void s.destroy());
  await new Promise<void>((resolve) => s.once('connect', resolve));
  s.write(Buffer.from([id]));
  return s;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('fault proxy connection-rate limit', () => {
  it('lets connections through at the rate, in arrival order, a burst at once', async () => {
    const t = await target();
    const proxy = await proxyTo(t.port);
    proxy.setConnectRate(20, 3);
    const n = 15;
    for (let i = 0; i < n; i++) await client(proxy.port, i);
    await until(() => t.order.length === n, `${n} connections at the target`);
    expect(t.order).toEqual([...Array(n).keys()]);
    // 3 at once, the other 12 at 20/s: at least 11 periods of 50 ms between the 4th and the last
    const span = (t.times[n - 1] as number) - (t.times[3] as number);
    expect(span).toBeGreaterThanOrEqual(11 * 50 - 5);
    expect(proxy.stats().delayed).toBeGreaterThanOrEqual(n - 3);
  });

  it('spends the turn of a client that left while waiting, and never dials for it', async () => {
    const t = await target();
    const proxy = await proxyTo(t.port);
    proxy.setConnectRate(5, 1);
    await client(proxy.port, 0); // takes the one token
    const leaver = await client(proxy.port, 1);
    await client(proxy.port, 2);
    await until(() => proxy.stats().delayed === 2, 'two waiting');
    leaver.end();
    await until(() => t.order.length === 2, 'the third client at the target');
    expect(t.order).toEqual([0, 2]);
    // the leaver's turn came first (FIFO) and was spent: the third waited two periods
    expect((t.times[1] as number) - (t.times[0] as number)).toBeGreaterThanOrEqual(2 * 200 - 5);
    expect(proxy.stats().abandoned).toBe(1);
    expect(proxy.stats().accepted).toBe(2);
  });

  it('lifting the limit lets every waiting connection through; bytes sent while waiting arrive', async () => {
    const got: Buffer[] = [];
    const server = net.createServer((s) => {
      s.on('error', () => undefined); // reset when the proxy closes
      s.on('data', (c: Buffer) => got.push(c));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const proxy = await proxyTo((server.address() as net.AddressInfo).port);
    proxy.setConnectRate(0.5, 1);
    await client(proxy.port, 7);
    const waiting = [await client(proxy.port, 8), await client(proxy.port, 9)];
    for (const s of waiting) s.write(Buffer.from('more'));
    await until(() => proxy.stats().delayed === 2, 'two waiting');
    proxy.setConnectRate(0);
    await until(() => Buffer.concat(got).length === 3 + 8, 'every byte at the target');
    const all = Buffer.concat(got).toString('latin1');
    expect(all.split('more').length - 1).toBe(2);
    expect([...all.replaceAll('more', '')].map((c) => c.charCodeAt(0)).sort()).toEqual([7, 8, 9]);
  });

  it('an outage resets the clients waiting for their turn', async () => {
    const t = await target();
    const proxy = await proxyTo(t.port);
    proxy.setConnectRate(1, 1);
    await client(proxy.port, 0);
    const waiting = await client(proxy.port, 1);
    await until(() => proxy.stats().delayed === 1, 'one waiting');
    const closed = new Promise<void>((resolve) => waiting.once('close', () => resolve()));
    proxy.outage(true);
    await closed;
    proxy.outage(false);
    await new Promise((r) => setTimeout(r, 1200)); // the next token would have come by now
    expect(t.order).toEqual([0]);
  });
});
