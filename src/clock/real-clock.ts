// Real time for live mode: the only place (with the rest of src/clock) that touches
// performance.now, Date.now and the global timer functions. Everything else receives a
// `() => number` clock and a `Timers` port, so tests can inject fake ones.
//
// The originals are captured when this module loads: while a device program's callback runs,
// the globals are its shard's virtual clock (src/clock/virtual-globals.ts), and fleetstorm's own
// code called from it (a publish in live mode) must still see real time.
const perfNow = performance.now.bind(performance);
const dateNow = Date.now;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

/** Monotonic microseconds since an arbitrary origin (fractional; never goes backwards). */
export function monotonicUs(): number {
  return perfNow() * 1000;
}

/** Monotonic milliseconds since an arbitrary origin. */
export function monotonicMs(): number {
  return perfNow();
}

/** Wall-clock milliseconds since the Unix epoch (for HTTP dates and report timestamps only). */
export function wallClockMs(): number {
  return dateNow();
}

/** An opaque timer handle; `unref` lets a timer not hold the process open. */
export interface TimerHandle {
  unref?(): unknown;
}

/**
 * The timer port injected into imperative shells (transports, backend, fault proxy). Its shape
 * matches both the Node globals and a @sinonjs/fake-timers clock's methods.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => realSetTimeout(fn, ms),
  clearTimeout: (handle) => realClearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => realSetInterval(fn, ms),
  clearInterval: (handle) => realClearInterval(handle as ReturnType<typeof setInterval>),
};

/** Resolves after `ms` (real time unless another port is given). */
export function delay(ms: number, timers: Timers = realTimers): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(resolve, ms);
  });
}
