// One direction of a proxied connection, modelled as a link: a chunk waits for the link to be
// free (bandwidth: serialisation time = bytes / rate), then for the one-way latency. Order is
// kept; the source is paused when too much is queued (flow control instead of unbounded memory).
import type net from 'node:net';
import type { TimerHandle, Timers } from '../../clock/real-clock.js';

/** Shared, mutable settings of all links of one proxy. */
export interface LinkSettings {
  latencyMs: number;
  /** 0 = unlimited. */
  bytesPerSec: number;
  /** Half-open: nothing moves (sockets are paused, queues held). */
  blackhole: boolean;
}

const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;

export class Link {
  private readonly chunks: Buffer[] = [];
  private readonly dueMs: number[] = [];
  private head = 0;
  private queuedBytes = 0;
  private linkFreeAtMs = 0;
  private timer: TimerHandle | undefined;
  private ended = false;
  private finSent = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly settings: LinkSettings,
    private readonly timers: Timers,
    private readonly nowMs: () => number,
    private readonly onForward: (bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    const s = this.settings;
    if (s.latencyMs <= 0 && s.bytesPerSec <= 0 && !s.blackhole && this.head === this.chunks.length) {
      this.write(chunk); // fast path: a transparent link
      return;
    }
    const now = this.nowMs();
    const piece = s.bytesPerSec > 0 ? Math.max(1024, Math.floor(s.bytesPerSec / 50)) : chunk.length;
    for (let at = 0; at < chunk.length; at += piece) {
      const part = chunk.subarray(at, at + piece);
      const txStart = Math.max(now, this.linkFreeAtMs);
      this.linkFreeAtMs = s.bytesPerSec > 0 ? txStart + (part.length * 1000) / s.bytesPerSec : txStart;
      this.chunks.push(part);
      this.dueMs.push(this.linkFreeAtMs + s.latencyMs);
      this.queuedBytes += part.length;
    }
    if (this.queuedBytes > HIGH_WATER_BYTES) this.from.pause();
    this.schedule();
  }

  /** The source ended: forward the FIN once everything queued has gone (never into a black hole). */
  end(): void {
    this.ended = true;
    this.schedule();
  }

  /** Re-arms delivery (after a blackhole ends or settings change). */
  schedule(): void {
    if (this.timer !== undefined || this.settings.blackhole) return;
    if (this.head === this.chunks.length) return this.forwardFin();
    const wait = (this.dueMs[this.head] as number) - this.nowMs();
    if (wait <= 0) return this.flush();
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.chunks.length = 0;
    this.dueMs.length = 0;
    this.head = 0;
  }

  private flush(): void {
    if (this.settings.blackhole) return;
    const now = this.nowMs();
    while (this.head < this.chunks.length && (this.dueMs[this.head] as number) <= now) {
      const chunk = this.chunks[this.head] as Buffer;
      this.head++;
      this.queuedBytes -= chunk.length;
      this.write(chunk);
    }
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.dueMs.length = 0;
      this.head = 0;
      this.forwardFin();
    } else if (this.head > 4096) {
      this.chunks.splice(0, this.head); // a link that never drains: drop the consumed prefix
      this.dueMs.splice(0, this.head);
      this.head = 0;
    }
    if (this.queuedBytes < LOW_WATER_BYTES && this.from.isPaused() && !this.settings.blackhole)
      this.from.resume();
    this.schedule();
  }

  private forwardFin(): void {
    if (!this.ended || this.finSent || this.settings.blackhole) return;
    this.finSent = true;
    this.to.end();
  }

  private write(chunk: Buffer): void {
    if (this.to.destroyed) return;
    this.to.write(chunk);
    this.onForward(chunk.length);
  }
}
