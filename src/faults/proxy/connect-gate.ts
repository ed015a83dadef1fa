// A connection-rate limit in front of the target: a token bucket (`perSec`, up to `burst` at
// once) that lets new connections through to the target in arrival order, the rest waiting in a
// FIFO. It is the shape of a broker that caps its accept rate (EMQX's max_conn_rate, a cloud
// IoT endpoint's connects per second, a load balancer's new-connection limit): a connection
// over the limit is not refused, it waits, and its client's connect timeout decides.
//
// A client that gave up while waiting still costs its turn: the broker pausing accept() accepts
// the dead connection when its turn comes and reads its CONNECT before it learns the client is
// gone. (The modelled backend does the same: a connect answered after the client's timeout took
// its place in the queue.)
import type { TimerHandle, Timers } from '../../clock/real-clock.js';

interface Waiting {
  go: () => void;
  /** True when the client left while waiting: its turn is spent on nothing. */
  gone: () => boolean;
}

export interface GateStats {
  /** Connections that had to wait for a token. */
  delayed: number;
  /** Turns spent on clients that had already left. */
  spent: number;
  /** Waiting now. */
  queued: number;
}

export class ConnectGate {
  private perSec = 0;
  private burst = 1;
  private tokens = 1;
  private lastMs = 0;
  private readonly queue: Waiting[] = [];
  private head = 0;
  private timer: TimerHandle | null = null;
  private delayed = 0;
  private spent = 0;

  constructor(
    private readonly timers: Timers,
    private readonly nowMs: () => number,
  ) {}

  /** 0 lifts the limit (everything waiting goes through at once). */
  setRate(perSec: number, burst = 1): void {
    this.refill();
    this.perSec = Math.max(0, perSec);
    this.burst = Math.max(1, Math.floor(burst));
    this.tokens = Math.min(this.tokens, this.burst);
    this.drain();
  }

  /** Runs `go` now, or when the client's turn comes; `gone` is asked then. */
  admit(go: () => void, gone: () => boolean): void {
    if (this.perSec <= 0) return go();
    this.refill();
    if (this.waiting() === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return go();
    }
    this.delayed++;
    this.queue.push({ go, gone });
    this.drain();
  }

  stats(): GateStats {
    return { delayed: this.delayed, spent: this.spent, queued: this.waiting() };
  }

  /** Drops everything waiting (the proxy closes); their clients are closed by the proxy. */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Tokens earned since the last look. The burst caps what an idle gate saves up; while
   * connections wait, every token earned is theirs, so a busy event loop that wakes late lets
   * through what the rate allowed meanwhile instead of losing it (a capped bucket passed 750 of
   * 2,400 connects/s right after a 52,000-device outage on loaded cores).
   */
  private refill(): void {
    const now = this.nowMs();
    if (this.perSec > 0 && now > this.lastMs) {
      const earned = this.tokens + ((now - this.lastMs) * this.perSec) / 1000;
      this.tokens = this.waiting() > 0 ? earned : Math.min(this.burst, earned);
    }
    this.lastMs = now;
  }

  private drain(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    this.refill();
    while (this.waiting() > 0 && (this.perSec <= 0 || this.tokens >= 1)) {
      const w = this.queue[this.head++] as Waiting;
      if (this.perSec > 0) this.tokens -= 1;
      if (w.gone()) this.spent++;
      else w.go();
    }
    if (this.waiting() === 0) this.tokens = Math.min(this.burst, this.tokens);
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.waiting() === 0) return;
    const ms = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSec));
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.drain();
    }, ms);
  }
}
