// Reconnecting after the broker closed a connection (a restart), per connection id: the delay
// doubles from the first up to the cap and starts over once the connection is subscribed again.
// Used by the end-to-end subscriber (one id per broker) and the live operator (one id).
import type { TimerHandle, Timers } from '../clock/real-clock.js';

/** Reconnect backoff: doubling from the first delay up to the cap (real milliseconds). */
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export class ReconnectBackoff {
  private readonly delayMs = new Map<number, number>();
  private readonly pending = new Map<number, TimerHandle>();

  constructor(private readonly timers: Timers) {}

  /** After a drop: calls `reconnect` after connection `id`'s current delay, then doubles it. */
  schedule(id: number, reconnect: () => void): void {
    const waitMs = this.delayMs.get(id) ?? BACKOFF_FIRST_MS;
    this.delayMs.set(id, Math.min(BACKOFF_MAX_MS, waitMs * 2));
    const timer = this.timers.setTimeout(() => {
      this.pending.delete(id);
      reconnect();
    }, waitMs);
    timer.unref?.();
    this.pending.set(id, timer);
  }

  /** Connection `id` is back: its next drop waits the first delay again. */
  reset(id: number): void {
    this.delayMs.delete(id);
  }

  /** Cancels every reconnect not yet due. */
  cancel(): void {
    for (const t of this.pending.values()) this.timers.clearTimeout(t);
    this.pending.clear();
  }
}
