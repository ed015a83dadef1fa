// Program timers in virtual time, in the shard's typed arrays. Each device has SLOTS timer slots:
// their due times and periods in one row of `num` (64 bytes), their callbacks and arguments in one
// row of `ref`, so waking a device reads two short rows instead of a list of timer objects (each
// a pointer chase, and its due time one more). The `ref` row starts with the device's owner (the
// host's device object), so a wake finds the device and its first callback on one cache line. A device with more live timers keeps the rest in
// a spill list (objects, as rare as such programs). The shard knows only the earliest of them (its
// program-due slot), which takes part in the device's place in the shard's calendar queue.

/** Timer slots per device held in the typed arrays; more live timers spill into objects. */
export const SLOTS = 4;
const ROW = 2 * SLOTS;
/** A device's row of `ref`: its owner, then each slot's callback and arguments. */
const REF_ROW = 1 + 2 * SLOTS;

/** The period of a once-timer (setTimeout) and of a delivered message. */
const ONCE = 0;
const MESSAGE = -1;

/** What error reports call the callback: `timer`, `interval` or `message`. */
export type TimerLabel = 'timer' | 'interval' | 'message';

type Fn = (...args: unknown[]) => unknown;

/** A timer handle as Node's: `unref`, `ref`, `hasRef`, `refresh`, and a number when coerced. */
export class VTimer {
  constructor(readonly seq: number) {}

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

/** A timer past a device's SLOTS. */
class Spilled {
  constructor(
    public atUs: number,
    readonly periodUs: number,
    readonly seq: number,
    readonly fn: Fn,
    readonly args: readonly unknown[] | undefined,
  ) {}
}

/** Node's rule: a delay below 1 ms or above 2^31-1 ms is 1 ms. */
export function delayUs(ms: unknown): number {
  const n = Number(ms);
  return (n >= 1 && n <= 2147483647 ? n : 1) * 1000;
}

/** The seq a clearTimeout / clearInterval argument names (a handle or its number). */
export function handleSeq(handle: unknown): number {
  return handle instanceof VTimer ? handle.seq : Number(handle);
}

export class TimerTable {
  /** Per device: SLOTS due times (µs, Infinity: free) then SLOTS periods (µs; 0 once, -1 message). */
  private readonly num: Float64Array;
  /** Per device and slot: the timer's seq (set order: ties go to the one set first), 0 when free. */
  private readonly seqs: Float64Array;
  /** Per device: its owner, then per slot its callback and its arguments (undefined: none). */
  private readonly ref: unknown[];
  private readonly spill = new Map<number, Spilled[]>();
  private seq = 0;

  /** The timer `take` last took: its callback, arguments and label. */
  fn: Fn | null = null;
  args: readonly unknown[] | undefined = undefined;
  label: TimerLabel = 'timer';

  constructor(size: number) {
    this.num = new Float64Array(size * ROW);
    for (let d = 0; d < size; d++) this.num.fill(Infinity, d * ROW, d * ROW + SLOTS);
    this.seqs = new Float64Array(size * SLOTS);
    this.ref = new Array<unknown>(size * REF_ROW).fill(undefined);
  }

  /** What `setOwner` stored for device d (the host's device object), or undefined. */
  owner(d: number): unknown {
    return this.ref[d * REF_ROW];
  }

  setOwner(d: number, owner: unknown): void {
    this.ref[d * REF_ROW] = owner;
  }

  /** Sets a timer of device d due at `atUs`; `periodUs` > 0 repeats it. Returns its seq. */
  add(d: number, atUs: number, periodUs: number, fn: Fn, args: readonly unknown[] | undefined): number {
    const seq = ++this.seq;
    const b = d * ROW;
    const num = this.num;
    for (let i = 0; i < SLOTS; i++) {
      if (num[b + i] !== Infinity) continue;
      num[b + i] = atUs;
      num[b + SLOTS + i] = periodUs;
      this.seqs[d * SLOTS + i] = seq;
      const r = d * REF_ROW + 1 + 2 * i;
      this.ref[r] = fn;
      this.ref[r + 1] = args;
      return seq;
    }
    let list = this.spill.get(d);
    if (list === undefined) this.spill.set(d, (list = []));
    list.push(new Spilled(atUs, periodUs, seq, fn, args));
    return seq;
  }

  /** A message for device d, handled at `atUs` (once) by `fn(...args)`. */
  addMessage(d: number, atUs: number, fn: Fn, args: readonly unknown[]): void {
    this.add(d, atUs, MESSAGE, fn, args);
  }

  /** Removes device d's timer `seq` (a no-op when it has none such). */
  remove(d: number, seq: number): void {
    const b = d * ROW;
    for (let i = 0; i < SLOTS; i++)
      if (this.seqs[d * SLOTS + i] === seq && this.num[b + i] !== Infinity) return this.free(d, i);
    const list = this.spill.get(d);
    if (list === undefined) return;
    const k = list.findIndex((s) => s.seq === seq);
    if (k >= 0) this.dropSpilled(d, list, k);
  }

  /** Device d loses every timer (RAM lost). */
  clear(d: number): void {
    for (let i = 0; i < SLOTS; i++) this.free(d, i);
    this.spill.delete(d);
  }

  /**
   * The earliest timer of device d due by `t` (ties: the one set first): a slot (0..SLOTS-1),
   * SLOTS + its place in the spill list, or -1.
   */
  earliest(d: number, t: number): number {
    const num = this.num;
    const b = d * ROW;
    const q = d * SLOTS;
    let best = -1;
    let bestAt = Infinity;
    for (let i = 0; i < SLOTS; i++) {
      const at = num[b + i] as number;
      if (at > t || at > bestAt) continue;
      // the seqs are read on a tie only: most wakes never touch that array
      if (at === bestAt && (this.seqs[q + i] as number) > (this.seqs[q + best] as number)) continue;
      best = i;
      bestAt = at;
    }
    if (this.spill.size === 0) return best;
    const list = this.spill.get(d);
    if (list === undefined) return best;
    let bestSeq = best < 0 ? Infinity : (this.seqs[q + best] as number);
    for (let k = 0; k < list.length; k++) {
      const s = list[k] as Spilled;
      if (s.atUs > t || s.atUs > bestAt || (s.atUs === bestAt && s.seq > bestSeq)) continue;
      best = SLOTS + k;
      bestAt = s.atUs;
      bestSeq = s.seq;
    }
    return best;
  }

  /**
   * Takes the timer `earliest` found into `fn`, `args` and `label`: an interval moves on by its
   * period, any other timer is removed.
   */
  take(d: number, k: number): void {
    let periodUs: number;
    if (k < SLOTS) {
      const b = d * ROW;
      periodUs = this.num[b + SLOTS + k] as number;
      const r = d * REF_ROW + 1 + 2 * k;
      this.fn = this.ref[r] as Fn;
      this.args = this.ref[r + 1] as readonly unknown[] | undefined;
      if (periodUs > 0) this.num[b + k] = (this.num[b + k] as number) + periodUs;
      else this.free(d, k);
    } else {
      const list = this.spill.get(d) as Spilled[];
      const s = list[k - SLOTS] as Spilled;
      periodUs = s.periodUs;
      this.fn = s.fn;
      this.args = s.args;
      if (periodUs > 0) s.atUs += periodUs;
      else this.dropSpilled(d, list, k - SLOTS);
    }
    this.label = periodUs > 0 ? 'interval' : periodUs === ONCE ? 'timer' : 'message';
  }

  /** Device d's earliest timer (Infinity: none). */
  nextDue(d: number): number {
    const num = this.num;
    const b = d * ROW;
    let at = Infinity;
    for (let i = 0; i < SLOTS; i++) if ((num[b + i] as number) < at) at = num[b + i] as number;
    if (this.spill.size === 0) return at;
    const list = this.spill.get(d);
    if (list !== undefined) for (const s of list) if (s.atUs < at) at = s.atUs;
    return at;
  }

  private free(d: number, i: number): void {
    const b = d * ROW;
    this.num[b + i] = Infinity;
    this.seqs[d * SLOTS + i] = 0;
    const r = d * REF_ROW + 1 + 2 * i;
    this.ref[r] = undefined;
    this.ref[r + 1] = undefined;
  }

  private dropSpilled(d: number, list: Spilled[], k: number): void {
    list.splice(k, 1);
    if (list.length === 0) this.spill.delete(d);
  }
}
