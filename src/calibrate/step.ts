// One bounded step of a probe: requests sent at their intended times (a paced generator on the
// injected timers; latency runs from the intended time, so a generator that falls behind shows
// in the latency rather than hiding it), answers collected, and the step summarised.
import type { Timers } from '../clock/real-clock.js';
import { quantile } from './stats.js';
import type { MeasuredStep, ProbeKind } from './types.js';

/** Generator tick (real ms): requests due by now go out together, each with its own intended time. */
const TICK_MS = 5;

/** The largest value (a loop: a step may hold more samples than Math.max takes arguments). */
function largest(values: readonly number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

export class StepCollector {
  attempts = 0;
  ok = 0;
  refused = 0;
  errors = 0;
  inFlight = 0;
  inFlightMax = 0;
  readonly errorCodes: Record<string, number> = {};
  readonly latencyUs: number[] = [];
  readonly serviceUs: number[] = [];
  readonly doneUs: number[] = [];
  readonly bytes: number[] = [];
  /** How late each request went out after its intended time (µs), filled by `pace`. */
  readonly sendLagUs: number[] = [];
  startUs: number;

  constructor(
    readonly probe: ProbeKind,
    readonly index: number,
    readonly offered: number,
    private readonly clock: () => number,
  ) {
    this.startUs = clock();
  }

  get answered(): number {
    return this.ok + this.refused + this.errors;
  }

  sent(): void {
    this.attempts++;
    this.inFlight++;
    if (this.inFlight > this.inFlightMax) this.inFlightMax = this.inFlight;
  }

  /** `request`: the request's index in the step (its send lag is `sendLagUs[request]`). */
  succeeded(latencyUs: number, bytes?: number, request?: number): void {
    this.inFlight--;
    this.ok++;
    this.latencyUs.push(latencyUs);
    const lag = request === undefined ? 0 : (this.sendLagUs[request] ?? 0);
    this.serviceUs.push(Math.max(0, latencyUs - lag));
    this.doneUs.push(this.clock());
    if (bytes !== undefined) this.bytes.push(bytes);
  }

  refusedOne(code: string): void {
    this.inFlight--;
    this.refused++;
    this.count(code);
  }

  failed(code: string): void {
    this.inFlight--;
    this.errors++;
    this.count(code);
  }

  private count(code: string): void {
    this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
  }

  /** The step as calibration.json keeps it; `achieved` defaults to answers/s over the step. */
  finish(originUs: number, achieved?: number): MeasuredStep {
    const last = this.doneUs.length === 0 ? this.startUs : largest(this.doneUs);
    const spanUs = Math.max(1, last - this.startUs);
    return {
      record: {
        probe: this.probe,
        index: this.index,
        offered: this.offered,
        achieved: achieved ?? (this.ok * 1e6) / spanUs,
        attempts: this.attempts,
        ok: this.ok,
        refused: this.refused,
        errors: this.errors,
        errorCodes: { ...this.errorCodes },
        p50Us: quantile(this.latencyUs, 0.5),
        p99Us: quantile(this.latencyUs, 0.99),
        maxUs: this.latencyUs.length === 0 ? null : largest(this.latencyUs),
        sendLagP99Us: quantile(this.sendLagUs, 0.99),
        inFlightMax: this.inFlightMax,
        startMs: (this.startUs - originUs) / 1000,
        durationMs: spanUs / 1000,
        knee: null,
      },
      samples: {
        latencyUs: this.latencyUs,
        serviceUs: this.serviceUs,
        doneUs: this.doneUs,
        startUs: this.startUs,
        ...(this.bytes.length > 0 ? { bytes: this.bytes } : {}),
      },
    };
  }
}

/**
 * Sends `count` requests at `ratePerSec`, request i meant for start + i/rate; resolves when all
 * are sent. `send` gets the index and the intended time (µs on `clock`); `lagUs` receives how
 * late each went out (a busy event loop runs the tick late).
 */
export function pace(
  o: { ratePerSec: number; count: number; clock: () => number; timers: Timers; lagUs?: number[] },
  send: (i: number, intendedUs: number) => void,
): Promise<number> {
  const startUs = o.clock();
  const periodUs = 1e6 / o.ratePerSec;
  let next = 0;
  return new Promise((resolve) => {
    const lag = o.lagUs;
    const tick = (): boolean => {
      const nowUs = o.clock();
      const due = Math.min(o.count, Math.floor((nowUs - startUs) / periodUs) + 1);
      for (; next < due; next++) {
        const intendedUs = startUs + next * periodUs;
        if (lag !== undefined) lag.push(Math.max(0, nowUs - intendedUs));
        send(next, intendedUs);
      }
      return next >= o.count;
    };
    if (tick()) return resolve(startUs);
    const timer = o.timers.setInterval(() => {
      if (!tick()) return;
      o.timers.clearInterval(timer);
      resolve(startUs);
    }, TICK_MS);
  });
}

/** Resolves when `done()` holds or after `timeoutMs` (then false). */
export function waitFor(
  done: () => boolean,
  timeoutMs: number,
  timers: Timers,
  clock: () => number,
): Promise<boolean> {
  const untilUs = clock() + timeoutMs * 1000;
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const timer = timers.setInterval(() => {
      const ok = done();
      if (!ok && clock() < untilUs) return;
      timers.clearInterval(timer);
      resolve(ok);
    }, TICK_MS);
  });
}

/** Resolves after `ms` on the injected timers. */
export function sleep(ms: number, timers: Timers): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(resolve, ms);
  });
}
