// `target.limits` at the socket layer, shared by the MQTT pool and the HTTP client of one run:
// token buckets for new connections, publishes, HTTP requests and bytes. An operation past a
// limit is held (never refused): the caller waits the returned time with its intended time
// unchanged, so throttling shows in the measured latencies, and every held operation is counted
// per limit.
import { realTimers, type Timers } from '../../clock/real-clock.js';
import { TokenBucket } from './token-bucket.js';

export const LIMIT_NAMES = [
  'connections',
  'connect_rate',
  'publish_rate',
  'request_rate',
  'bandwidth',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface LimiterOptions {
  connectRatePerSec: number | null;
  publishRatePerSec: number | null;
  requestRatePerSec: number | null;
  bandwidthBytesPerSec: number | null;
  /** Monotonic real clock in µs. */
  clock: () => number;
  timers?: Timers;
  /** Called once per held operation and per limit that held it. */
  onDelayed?: (limit: LimitName) => void;
}

/** A bucket allows this much of a second's worth at once after an idle period. */
const BURST_SEC = 0.1;

function bucket(ratePerSec: number | null): TokenBucket | null {
  return ratePerSec === null ? null : new TokenBucket(ratePerSec, Math.max(1, ratePerSec * BURST_SEC));
}

export class TargetLimiter {
  private readonly connects: TokenBucket | null;
  private readonly publishes: TokenBucket | null;
  private readonly requests: TokenBucket | null;
  private readonly bytes: TokenBucket | null;
  private readonly timers: Timers;
  readonly delayed: Record<LimitName, number> = {
    connections: 0,
    connect_rate: 0,
    publish_rate: 0,
    request_rate: 0,
    bandwidth: 0,
  };

  constructor(private readonly o: LimiterOptions) {
    this.connects = bucket(o.connectRatePerSec);
    this.publishes = bucket(o.publishRatePerSec);
    this.requests = bucket(o.requestRatePerSec);
    this.bytes = bucket(o.bandwidthBytesPerSec);
    this.timers = o.timers ?? realTimers;
  }

  /** Wait (ms) before a new connection may open. */
  connectWaitMs(): number {
    return this.take(this.connects, 1, 'connect_rate');
  }

  /** Wait (ms) before a publish of `sizeBytes` on the wire may leave. */
  publishWaitMs(sizeBytes: number): number {
    return Math.max(
      this.take(this.publishes, 1, 'publish_rate'),
      this.take(this.bytes, sizeBytes, 'bandwidth'),
    );
  }

  /** Wait (ms) before an HTTP request may be sent. */
  requestWaitMs(sizeBytes: number): number {
    return Math.max(
      this.take(this.requests, 1, 'request_rate'),
      this.take(this.bytes, sizeBytes, 'bandwidth'),
    );
  }

  /** Wait (ms) after `sizeBytes` arrived before more is read (received bodies). */
  receiveWaitMs(sizeBytes: number): number {
    return this.take(this.bytes, sizeBytes, 'bandwidth');
  }

  /** A connect waited for a free socket under `limits.connections`. */
  connectionWaited(): void {
    this.count('connections');
  }

  /** Runs `fn` after `waitMs` (at once when 0). */
  after(waitMs: number, fn: () => void): void {
    if (waitMs <= 0) fn();
    else this.timers.setTimeout(fn, waitMs);
  }

  /** Resolves after `waitMs` (at once when 0). */
  pause(waitMs: number): Promise<void> | null {
    if (waitMs <= 0) return null;
    return new Promise((resolve) => this.timers.setTimeout(resolve, waitMs));
  }

  private take(b: TokenBucket | null, units: number, limit: LimitName): number {
    if (b === null) return 0;
    const waitUs = b.reserve(units, this.o.clock());
    if (waitUs <= 0) return 0;
    this.count(limit);
    return waitUs / 1000;
  }

  private count(limit: LimitName): void {
    this.delayed[limit]++;
    this.o.onDelayed?.(limit);
  }
}
