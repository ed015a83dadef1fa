// The built-in TCP fault proxy (DESIGN §5): put in front of an external target (listening on loopback),
// it applies backend-side faults live mode cannot inject in the client: latency, bandwidth,
// half-open black holes, resets and outages.
import net from 'node:net';
import { monotonicMs, realTimers, type Timers } from '../../clock/real-clock.js';
import { ToolError } from '../../errors/tool-error.js';
import { awaitFirstBytes } from './first-bytes.js';
import { ConnectGate } from './connect-gate.js';
import { Link, type LinkSettings } from './link.js';
import { refuseConnection, type ProxyProtocol } from './refuse.js';

export interface FaultProxyOptions {
  listenHost?: string;
  /** 0 picks a free port. */
  listenPort?: number;
  target: { host: string; port: number };
  /** What the target speaks; decides how `reject` answers (tcp: a reset). Default tcp. */
  protocol?: ProxyProtocol;
  timers?: Timers;
  /** Monotonic ms (real by default). */
  clock?: () => number;
}

export interface FaultProxyStats {
  open: number;
  accepted: number;
  refused: number;
  /** Connections answered by the proxy itself under reject. */
  rejected: number;
  /** Clients (MQTT, HTTP) that left before the proxy dialed the target for them. */
  abandoned: number;
  /** Connections that waited for the connection-rate limit (`setConnectRate`). */
  delayed: number;
  bytesUp: number;
  bytesDown: number;
}

export interface FaultProxy {
  port: number;
  /** One-way latency added in each direction. */
  setLatency(ms: number): void;
  /** Per connection and direction; 0 = unlimited. */
  setBandwidth(bytesPerSec: number): void;
  /**
   * New connections reach the target at most `perSec` per second (up to `burst` at once), in
   * arrival order; the rest wait (their clients' timeouts decide). 0 = unlimited.
   */
  setConnectRate(perSec: number, burst?: number): void;
  /** Half-open: connections stay up (and new ones are accepted) but nothing is forwarded. */
  blackhole(on: boolean): void;
  /** TCP RST on every open connection, both sides. */
  resetAll(): void;
  /** Reset every open connection and refuse (RST) new ones while on. */
  outage(on: boolean): void;
  /**
   * broker-reject: while on, new connections are answered by the proxy as an overloaded backend
   * would (MQTT: refusing CONNACK; HTTP: 503; tcp: reset); open ones are left alone.
   */
  reject(on: boolean): void;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  return /^::ffff:127\./i.test(h);
}

function requireLoopback(host: string, where: string): void {
  if (isLoopback(host)) return;
  throw new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the fault proxy only works on loopback', {
    where,
    got: host,
    fix: 'use 127.0.0.1 (run fleetstorm on the target host, or tunnel the target to loopback)',
  });
}

/**
 * Accept queue asked of the kernel, which caps it at net.core.somaxconn. Node's default (511)
 * overflowed in reconnect storms of tens of thousands of devices: the proxy shares its process
 * with the devices, a busy event loop accepts late, and a full queue drops SYNs, which the
 * client resends after 1, 3 and 7 s (past a 10 s connect timeout). The proxy must not refuse
 * what the target behind it would have taken: it queues as deep as the kernel allows.
 */
export const LISTEN_BACKLOG = 65_535;

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  up: Link;
  down: Link;
  /** One side closed during a black hole: the other side must not learn of it until it ends. */
  halfGone: boolean;
}

class ProxyServer implements FaultProxy {
  port = 0;
  private readonly settings: LinkSettings = { latencyMs: 0, bytesPerSec: 0, blackhole: false };
  /** `delayed` is the gate's own count, added by stats(). */
  private readonly counters: Omit<FaultProxyStats, 'delayed'> = {
    open: 0,
    accepted: 0,
    refused: 0,
    rejected: 0,
    abandoned: 0,
    bytesUp: 0,
    bytesDown: 0,
  };
  private readonly pairs = new Set<Pair>();
  private readonly server: net.Server;
  private refusing = false;
  private rejecting = false;
  private readonly answering = new Set<net.Socket>();
  /** Accepted, waiting for their first bytes before the target is dialed. */
  private readonly waiting = new Set<net.Socket>();
  private readonly gate: ConnectGate;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly protocol: ProxyProtocol,
    private readonly timers: Timers,
    private readonly nowMs: () => number,
  ) {
    this.gate = new ConnectGate(timers, nowMs);
    this.server = net.createServer({ allowHalfOpen: true }, (client) => this.accept(client));
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
      this.server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  setLatency(ms: number): void {
    this.settings.latencyMs = Math.max(0, ms);
  }

  setBandwidth(bytesPerSec: number): void {
    this.settings.bytesPerSec = Math.max(0, bytesPerSec);
  }

  setConnectRate(perSec: number, burst = 1): void {
    this.gate.setRate(perSec, burst);
  }

  blackhole(on: boolean): void {
    this.settings.blackhole = on;
    for (const pair of this.pairs) {
      for (const s of [pair.client, pair.upstream]) {
        if (on) s.pause();
        else s.resume();
      }
      if (!on) {
        pair.up.schedule();
        pair.down.schedule();
      }
    }
    if (!on) for (const pair of [...this.pairs]) if (pair.halfGone) this.drop(pair, true);
  }

  resetAll(): void {
    this.gate.clear(); // its clients are among `waiting`
    for (const client of [...this.waiting]) {
      this.waiting.delete(client);
      client.resetAndDestroy();
    }
    for (const pair of [...this.pairs]) this.drop(pair, true);
  }

  outage(on: boolean): void {
    this.refusing = on;
    if (on) this.resetAll();
  }

  reject(on: boolean): void {
    this.rejecting = on;
  }

  stats(): FaultProxyStats {
    return { ...this.counters, delayed: this.gate.stats().delayed };
  }

  async close(): Promise<void> {
    this.resetAll();
    for (const s of this.answering) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing) {
      this.counters.refused++;
      return void client.resetAndDestroy();
    }
    if (this.rejecting) {
      this.counters.rejected++;
      this.answering.add(client);
      return refuseConnection(client, this.protocol, () => this.answering.delete(client));
    }
    this.waiting.add(client);
    // a server that speaks first (plain tcp) must be dialed at once
    if (this.protocol === 'tcp') return this.throttle(client, []);
    awaitFirstBytes(
      client,
      (first) => this.throttle(client, first),
      () => this.abandon(client),
    );
  }

  /** The client waits its turn under the connection-rate limit (at once without one). */
  private throttle(client: net.Socket, first: Buffer[]): void {
    let ended = false;
    const onData = (chunk: Buffer): void => void first.push(chunk);
    const onEnd = (): void => void (ended = true);
    const noop = (): void => undefined;
    client.on('data', onData);
    client.on('end', onEnd);
    client.on('error', noop);
    const unhook = (): void => {
      client.off('data', onData);
      client.off('end', onEnd);
      client.off('error', noop);
    };
    this.gate.admit(
      () => {
        unhook();
        this.waiting.delete(client);
        this.open(client, first);
      },
      () => {
        if (!ended && !client.destroyed) return false;
        unhook();
        this.abandon(client);
        return true;
      },
    );
  }

  private abandon(client: net.Socket): void {
    if (this.waiting.delete(client)) this.counters.abandoned++; // not reset by the proxy
    client.on('error', () => undefined);
    client.destroy();
  }

  /** Dials the target for a client and pipes the two; `first` is what the client already sent. */
  private open(client: net.Socket, first: Buffer[]): void {
    this.counters.accepted++;
    this.counters.open++;
    const { host, port } = this.target;
    const upstream = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    client.setNoDelay(true);
    const c = this.counters;
    const pair: Pair = {
      client,
      upstream,
      up: new Link(client, upstream, this.settings, this.timers, this.nowMs, (n) => (c.bytesUp += n)),
      down: new Link(upstream, client, this.settings, this.timers, this.nowMs, (n) => (c.bytesDown += n)),
      halfGone: false,
    };
    this.pairs.add(pair);
    this.wire(pair);
    for (const chunk of first) pair.up.push(chunk);
    if (this.settings.blackhole) {
      client.pause();
      upstream.pause();
    }
  }

  private wire(pair: Pair): void {
    const { client, upstream } = pair;
    client.on('data', (chunk: Buffer) => pair.up.push(chunk));
    upstream.on('data', (chunk: Buffer) => pair.down.push(chunk));
    client.on('end', () => pair.up.end());
    upstream.on('end', () => pair.down.end());
    client.on('error', () => this.sideClosed(pair, true));
    upstream.on('error', () => this.sideClosed(pair, true));
    client.on('close', () => this.sideClosed(pair, false));
    upstream.on('close', () => this.sideClosed(pair, false));
  }

  /** One socket of a pair ended. In a black hole the other side keeps waiting, as over a dead link. */
  private sideClosed(pair: Pair, reset: boolean): void {
    const bothGone = pair.client.destroyed && pair.upstream.destroyed;
    if (this.settings.blackhole && !bothGone) {
      pair.halfGone = true;
      return;
    }
    this.drop(pair, reset);
  }

  private drop(pair: Pair, reset: boolean): void {
    if (!this.pairs.delete(pair)) return;
    this.counters.open--;
    pair.up.dispose();
    pair.down.dispose();
    for (const s of [pair.client, pair.upstream]) {
      if (reset && !s.destroyed && !s.connecting) s.resetAndDestroy();
      else s.destroy();
    }
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') return err;
  return new ToolError('FLEETSTORM_ERR_PORT_IN_USE', `cannot listen on ${host}:${port}`, {
    where: 'fault proxy listen port',
    got: err.code,
    fix: 'pick another port, or 0 for any free port',
  });
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const listenHost = opts.listenHost ?? '127.0.0.1';
  // It listens on this machine only; the target it forwards to may be anywhere.
  requireLoopback(listenHost, 'fault proxy listen host');
  const proxy = new ProxyServer(
    opts.target,
    opts.protocol ?? 'tcp',
    opts.timers ?? realTimers,
    opts.clock ?? monotonicMs,
  );
  await proxy.listen(listenHost, opts.listenPort ?? 0);
  return proxy;
}
