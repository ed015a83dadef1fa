// `fleetstorm plan` on a scenario whose backend comes from a calibration (`backend: { from: }`):
// the calibrated figures the virtual model will use, and whether the fleet's offered connect peak
// stays within the calibrated accept rate (past it, connects queue and then are refused).
import { stoppedByText } from '../../backend-model/calibration-file.js';
import { formatCount } from '../../metrics/units.js';
import type { ResolvedScenario } from '../../scenario/types.js';
import type { Plan } from './plan.js';

export interface CalibratedPlan {
  file: string;
  takenAt: string;
  stoppedBy: string;
  brokers: number;
  /** Whole backend (every broker): accepted connects and ingested publishes per virtual second. */
  connectRatePerSec: number;
  ingestRatePerSec: number;
  maxSessions: number;
  /** The offered connect peak per virtual second, and whether the calibrated rate covers it. */
  peakConnectsPerSec: number;
  connectsWithin: boolean;
}

export function calibratedPlan(plan: Plan, s: ResolvedScenario): CalibratedPlan | null {
  const c = s.backend.calibration;
  if (c === undefined) return null;
  const b = s.backend;
  const brokers = b.brokers ?? 1;
  const peakConnectsPerSec = plan.envelope.peaks.connectsPerSec.value * plan.envelope.speed;
  // brokers sharing capacity (backend.shared) accept together no more than the shared rate
  const connectRatePerSec = Math.min(
    b.connect.ratePerSec * brokers,
    b.shared?.connect.ratePerSec ?? Infinity,
  );
  return {
    file: c.file,
    takenAt: c.takenAt,
    stoppedBy: c.stoppedBy,
    brokers,
    connectRatePerSec,
    ingestRatePerSec: b.ingest.ratePerSec * brokers,
    maxSessions: b.connect.maxSessions * brokers,
    peakConnectsPerSec,
    connectsWithin: peakConnectsPerSec <= connectRatePerSec,
  };
}

/** `plan --json`: `calibrated` only for a calibrated backend, so other plans read as before. */
export function calibratedField(plan: Plan, s: ResolvedScenario): { calibrated?: CalibratedPlan } {
  const c = calibratedPlan(plan, s);
  return c === null ? {} : { calibrated: c };
}

export function calibratedLines(plan: Plan, s: ResolvedScenario): string[] {
  const c = calibratedPlan(plan, s);
  if (c === null) return [];
  const shared = s.backend.shared === undefined ? '' : ' (shared capacity)';
  const over = (c.brokers > 1 ? ` over ${c.brokers} brokers` : '') + shared;
  const verdict = c.connectsWithin ? 'within' : 'EXCEEDS (connects queue, then are refused)';
  return [
    `plan: virtual backend calibrated from ${c.file}, taken ${c.takenAt} (${stoppedByText(c.stoppedBy)})`,
    `plan:   connect ${formatCount(c.connectRatePerSec)}/s${over}, max sessions ${formatCount(c.maxSessions)}, ingest ${formatCount(c.ingestRatePerSec)}/s`,
    `plan:   peak connects ${formatCount(Math.round(c.peakConnectsPerSec))}/s virtual: ${verdict} the calibrated rate`,
  ];
}
