// Requests awaiting their reply, per device, matched by clientToken, each with a real-time
// deadline (timers only through the injected port). A lost reply is data (`timeout`), never
// an exception.
import type { TimerHandle, Timers } from '../../clock/real-clock.js';

export type Reply =
  | { kind: 'accepted' | 'rejected'; body: Record<string, unknown> }
  | { kind: 'timeout' | 'link_lost' | 'power_lost' | 'closed' | 'subscribe_refused' };

interface Waiter {
  resolve(r: Reply): void;
  timer: TimerHandle;
}

export class PendingReplies {
  /** Per device: clientToken → waiter. */
  private readonly byDevice = new Map<number, Map<string, Waiter>>();
  private seq = 0;
  size = 0;

  constructor(
    private readonly timers: Timers,
    private readonly timeoutMs: number,
  ) {}

  /** A fresh clientToken (AWS allows at most 64 characters). */
  token(dev: number): string {
    this.seq = (this.seq + 1) % 0x7fffffff;
    return `fs-${dev}-${this.seq}`;
  }

  /** Resolves with the reply carrying `token`, or `timeout` after the deadline. */
  wait(dev: number, token: string): Promise<Reply> {
    return new Promise((resolve) => {
      let map = this.byDevice.get(dev);
      if (!map) this.byDevice.set(dev, (map = new Map()));
      const timer = this.timers.setTimeout(
        () => this.settle(dev, token, { kind: 'timeout' }),
        this.timeoutMs,
      );
      timer.unref?.();
      map.set(token, { resolve, timer });
      this.size++;
    });
  }

  /** Hands a reply to its waiter; false when no request of this device carries `token`. */
  settle(dev: number, token: string, reply: Reply): boolean {
    const map = this.byDevice.get(dev);
    const w = map?.get(token);
    if (!map || !w) return false;
    map.delete(token);
    if (map.size === 0) this.byDevice.delete(dev);
    this.size--;
    this.timers.clearTimeout(w.timer);
    w.resolve(reply);
    return true;
  }

  /** Ends every request of a device (its session or its RAM is gone). */
  dropDevice(dev: number, kind: 'link_lost' | 'power_lost' | 'closed'): void {
    const map = this.byDevice.get(dev);
    if (!map) return;
    for (const token of [...map.keys()]) this.settle(dev, token, { kind });
  }

  dropAll(): void {
    for (const dev of [...this.byDevice.keys()]) this.dropDevice(dev, 'closed');
  }
}
