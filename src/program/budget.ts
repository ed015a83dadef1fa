// The per-callback time budget of device programs. The bundled program is instrumented
// (instrument.ts) with a tick at every function entry and loop back-edge; a tick is one
// increment and compare, and every TICKS_PER_CHECK ticks it reads the real clock. A callback past
// its deadline gets a RunawayError, and every later tick throws again until the callback has
// unwound (a `catch` in the program cannot swallow it and loop on).
import { monotonicMs } from '../clock/real-clock.js';

export const TICKS_PER_CHECK = 1024;
export const BUDGET_KEY = Symbol.for('fleetstorm.program-budget');

export class RunawayError extends Error {
  constructor(budgetMs: number) {
    super(`device program ran past its ${budgetMs} ms budget (a runaway loop?)`);
    this.name = 'RunawayError';
  }
}

/** The state the instrumented code reads: `if (++b.n >= b.lim) b.check()`. */
export class Budget {
  n = 0;
  lim = TICKS_PER_CHECK;
  private deadlineMs = Infinity;
  private budgetMs = 0;
  tripped = false;

  /**
   * A callback starts: it may run for `budgetMs` of real time. The clock is first read at the
   * first check (after TICKS_PER_CHECK ticks): most callbacks end long before and never read it.
   */
  start(budgetMs: number): void {
    this.budgetMs = budgetMs;
    this.deadlineMs = NaN;
    this.tripped = false;
    this.n = 0;
    this.lim = TICKS_PER_CHECK;
  }

  /** The callback ended: no deadline outside callbacks (module top level, test harnesses). */
  stop(): void {
    this.deadlineMs = Infinity;
    this.n = 0;
    this.lim = TICKS_PER_CHECK;
  }

  check(): void {
    if (Number.isNaN(this.deadlineMs)) this.deadlineMs = monotonicMs() + this.budgetMs;
    if (this.tripped || monotonicMs() > this.deadlineMs) {
      this.tripped = true;
      this.lim = 0; // every tick from now on comes here and throws
      throw new RunawayError(this.budgetMs);
    }
    this.lim = this.n + TICKS_PER_CHECK;
  }
}

/** This thread's budget, where the instrumented code finds it (one per worker thread). */
export function threadBudget(): Budget {
  const g = globalThis as unknown as Record<symbol, Budget | undefined>;
  let b = g[BUDGET_KEY];
  if (!b) {
    b = new Budget();
    g[BUDGET_KEY] = b;
  }
  return b;
}
