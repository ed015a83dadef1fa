// (c) Session count: held sessions grow by doubling (250, 500, … up to --max-connections or
// `target.limits.connections`), opened at a rate the target took without a knee, each level
// held for a moment. The first refused or dropped session is the knee; the sessions held then
// are the broker's max-sessions. The sessions stay open until the calibration ends.
import { openPaced } from './connect-probe.js';
import type { ProbePool } from './probe-pool.js';
import { stepLine } from './progress-line.js';
import { StepCollector, sleep } from './step.js';
import type { CalibrateDeps, CalibrateOptions, MeasuredStep, ProbeOutcome } from './types.js';

/** First level of held sessions. */
const FIRST_LEVEL = 250;

export function sessionLevels(max: number): number[] {
  const out: number[] = [];
  for (let n = Math.min(FIRST_LEVEL, max); n < max; n *= 2) out.push(n);
  out.push(max);
  return out;
}

export interface SessionsOutcome extends ProbeOutcome {
  /** Sessions held when the first refusal (or drop) came; null when none came. */
  heldAtFirstRefusal: number | null;
  /** Connects waiting for an answer at that moment. */
  pendingAtFirstRefusal: number;
}

export async function sessionsProbe(
  p: ProbePool,
  o: CalibrateOptions,
  deps: CalibrateDeps,
  originUs: number,
  openPerSec: number,
): Promise<SessionsOutcome> {
  const cap =
    o.limits.connections === null ? o.maxConnections : Math.min(o.maxConnections, o.limits.connections);
  const steps: MeasuredStep[] = [];
  let heldAtFirstRefusal: number | null = null;
  let pendingAtFirstRefusal = 0;
  let dropped = 0;
  for (const [index, level] of sessionLevels(cap).entries()) {
    const c = new StepCollector('sessions', index, level, deps.clock);
    const firstId = p.connected.size;
    await openPaced(
      p,
      c,
      { ratePerSec: openPerSec, count: level - firstId, firstId, timeoutMs: o.answerTimeoutMs },
      deps,
    );
    p.on = {
      close: () => {
        dropped++; // held sessions only: this step's connects were all answered above
      },
    };
    await sleep(Math.min(o.stepMs, 1000), deps.timers);
    p.on = {};
    const step = c.finish(originUs, p.connected.size);
    if (dropped > 0) step.record.errorCodes.dropped = dropped;
    const refusedNow = c.refused + c.errors + dropped > 0;
    if (refusedNow && heldAtFirstRefusal === null) {
      heldAtFirstRefusal = p.connected.size;
      pendingAtFirstRefusal = c.inFlightMax;
      step.record.knee = 'refusals';
    }
    steps.push(step);
    deps.progress(stepLine(step.record, 'sessions'));
    if (refusedNow)
      return { probe: 'sessions', steps, stoppedBy: 'knee', heldAtFirstRefusal, pendingAtFirstRefusal };
  }
  const stoppedBy =
    o.limits.connections !== null && o.limits.connections <= o.maxConnections ? 'limits' : 'cap';
  return { probe: 'sessions', steps, stoppedBy, heldAtFirstRefusal, pendingAtFirstRefusal };
}
