// While a device program's callback runs, the globals it would use for time are its shard's
// virtual clock: `setTimeout`, `setInterval`, `clearTimeout`, `clearInterval`, `Date.now` and
// `performance.now`. Swapping them is a handful of property writes around each callback (no
// per-device clock objects, no scan of every timer), and they are put back right after, so the
// rest of the process (sockets, the embedded backend, fleetstorm itself) keeps real time.
// src/clock/real-clock.ts captured the originals when it loaded, for code that needs real time
// while a program runs (a live publish made from inside a callback).

/** The virtual stand-ins a program sees, bound once per shard (see src/program/host.ts). */
export interface VirtualTime {
  setTimeout: (fn: unknown, ms?: unknown, ...args: unknown[]) => unknown;
  setInterval: (fn: unknown, ms?: unknown, ...args: unknown[]) => unknown;
  clearTimeout: (handle: unknown) => void;
  clearInterval: (handle: unknown) => void;
  /** Virtual wall clock, ms since the Unix epoch. */
  dateNow: () => number;
  /** Virtual monotonic ms since the run's start. */
  perfNow: () => number;
}

type Slots = Record<string, unknown>;
const G = globalThis as unknown as Slots;
const D = Date as unknown as Slots;
const P = performance as unknown as Slots;

const REAL = {
  setTimeout: G.setTimeout,
  setInterval: G.setInterval,
  clearTimeout: G.clearTimeout,
  clearInterval: G.clearInterval,
  dateNow: D.now,
  perfNow: P.now,
};

let depth = 0;

/** The globals become `v` (nested calls keep the outermost's restore). */
export function enterVirtual(v: VirtualTime): void {
  depth++;
  G.setTimeout = v.setTimeout;
  G.setInterval = v.setInterval;
  G.clearTimeout = v.clearTimeout;
  G.clearInterval = v.clearInterval;
  D.now = v.dateNow;
  P.now = v.perfNow;
}

/** Puts the real globals back once the outermost virtual section ends. */
export function leaveVirtual(): void {
  if (--depth > 0) return;
  depth = 0;
  G.setTimeout = REAL.setTimeout;
  G.setInterval = REAL.setInterval;
  G.clearTimeout = REAL.clearTimeout;
  G.clearInterval = REAL.clearInterval;
  D.now = REAL.dateNow;
  P.now = REAL.perfNow;
}

/**
 * Runs `fn` with the real globals in force (fleetstorm's own work called from a program, such as
 * a publish through real sockets), then puts `v` back.
 */
export function withRealTime<R>(v: VirtualTime | null, fn: () => R): R {
  if (v === null || depth === 0) return fn();
  const saved = depth;
  depth = 1;
  leaveVirtual();
  try {
    return fn();
  } finally {
    enterVirtual(v);
    depth = saved;
  }
}
