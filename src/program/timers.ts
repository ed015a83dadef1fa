// Program timers in virtual time. Each programmed device keeps its few timers in a short list;
// the shard knows only the earliest of them (its program-due slot), which takes part in the
// device's place in the shard's calendar queue like its other due times. Firing a device's timers
// scans its list (2 or 3 timers for a typical program), never the fleet's.

/** A timer handle as Node's: `unref`, `ref`, `hasRef`, `refresh`, and a number when coerced. */
export class VTimer {
  cleared = false;
  constructor(
    public atUs: number,
    readonly seq: number,
    /** 0: once (setTimeout); otherwise the interval. */
    readonly periodUs: number,
    readonly fn: (...args: unknown[]) => unknown,
    readonly args: unknown[],
    /** Names the callback in error reports: `timer`, `interval` or `message`. */
    readonly label: string,
  ) {}

  unref(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.seq;
  }
}

/** Node's rule: a delay below 1 ms or above 2^31-1 ms is 1 ms. */
export function delayUs(ms: unknown): number {
  const n = Number(ms);
  return (n >= 1 && n <= 2147483647 ? n : 1) * 1000;
}

/** The earliest timer due by `t` (ties: the one set first), or null. */
export function earliestDue(timers: readonly VTimer[], t: number): VTimer | null {
  let best: VTimer | null = null;
  for (let i = 0; i < timers.length; i++) {
    const tm = timers[i] as VTimer;
    if (tm.atUs > t) continue;
    if (best === null || tm.atUs < best.atUs || (tm.atUs === best.atUs && tm.seq < best.seq)) best = tm;
  }
  return best;
}

export function nextDue(timers: readonly VTimer[] | null): number {
  let at = Infinity;
  if (timers)
    for (let i = 0; i < timers.length; i++) {
      const a = (timers[i] as VTimer).atUs;
      if (a < at) at = a;
    }
  return at;
}

/** Removes a timer by handle or by its number. */
export function removeTimer(timers: VTimer[] | null, handle: unknown): void {
  if (!timers) return;
  const i =
    handle instanceof VTimer ? timers.indexOf(handle) : timers.findIndex((t) => t.seq === Number(handle));
  if (i < 0) return;
  (timers[i] as VTimer).cleared = true;
  timers.splice(i, 1);
}
