// A modelled accept limit on the embedded broker's CONNECTs, so it can stand in for a broker
// with a known capacity (calibration is tested against it): a token bucket of `ratePerSec`
// holding `burst` tokens; a CONNECT without a token waits in a FIFO queue, and one arriving
// when `queue` are already waiting is refused (CONNACK 3 "server unavailable"), as the modelled
// backend does. `maxSessions` refuses a CONNECT while that many sessions are open.
import type { TimerHandle, Timers } from '../clock/real-clock.js';

export interface ConnectLimitOptions {
  /** CONNECTs accepted per second (token refill). */
  ratePerSec: number;
  /** Tokens after an idle period (default 1: no burst). */
  burst?: number;
  /** CONNECTs that may wait for a token; more are refused (default 1000). */
  queue?: number;
  /** Sessions held at once; a CONNECT beyond is refused (default: no cap). */
  maxSessions?: number;
}

export class ConnectLimit {
  private tokens: number;
  private lastMs: number;
  private readonly waiting: (() => void)[] = [];
  private timer: TimerHandle | undefined;
  private readonly burst: number;
  private readonly queue: number;

  constructor(
    private readonly o: ConnectLimitOptions,
    private readonly timers: Timers,
    private readonly nowMs: () => number,
  ) {
    this.burst = Math.max(1, o.burst ?? 1);
    this.queue = Math.max(0, o.queue ?? 1000);
    this.tokens = this.burst;
    this.lastMs = nowMs();
  }

  /** false: refuse now. Otherwise `admit` runs when a token is free (at once or later). */
  offer(sessions: number, admit: () => void): boolean {
    if (this.o.maxSessions !== undefined && sessions >= this.o.maxSessions) return false;
    this.refill();
    if (this.waiting.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      admit();
      return true;
    }
    if (this.waiting.length >= this.queue) return false;
    this.waiting.push(admit);
    this.schedule();
    return true;
  }

  close(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.length = 0;
  }

  private refill(): void {
    const now = this.nowMs();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastMs) * this.o.ratePerSec) / 1000);
    this.lastMs = now;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const waitMs = Math.max(1, ((1 - this.tokens) * 1000) / this.o.ratePerSec);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, waitMs);
  }

  private drain(): void {
    this.refill();
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      (this.waiting.shift() as () => void)();
    }
    if (this.waiting.length > 0) this.schedule();
  }
}
