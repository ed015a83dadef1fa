// Knee detection, pure: a step is the knee when the target stops keeping up with what was
// offered. Three signs, checked in this order:
//   refusals   – refused + failed answers pass `refusalRatio` of the attempts;
//   throughput – fewer served per second than `servedRatio` × offered;
//   latency    – p99 passes `factor` × the baseline p99 AND the baseline by `floorUs` (a
//                sub-millisecond baseline tripling on a busy machine is noise, not a knee),
//                and p50 passes `factor` × the baseline p50 too (a queue moves the median; a
//                stalled event loop on a loaded generator moves only the tail).
// The baselines are the lowest p99 and p50 of the first two steps (the lightest loads).
import type { KneeReason, StepRecord } from './types.js';

export interface KneeRule {
  factor: number;
  floorUs: number;
  refusalRatio: number;
  servedRatio: number;
}

export const DEFAULT_KNEE_RULE: KneeRule = {
  factor: 3,
  floorUs: 10_000,
  refusalRatio: 0.01,
  servedRatio: 0.85,
};

type KneeInput = Pick<StepRecord, 'offered' | 'achieved' | 'attempts' | 'refused' | 'errors' | 'p99Us'> & {
  p50Us?: number | null;
};

/** Lowest p99 of the first two steps; null before any step has one. */
export function baselineP99Us(steps: readonly KneeInput[]): number | null {
  return lowest(steps.slice(0, 2).map((s) => s.p99Us));
}

function lowest(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length === 0 ? null : Math.min(...known);
}

export interface Baseline {
  p99Us: number | null;
  /** null: the median is not looked at (steps without one). */
  p50Us: number | null;
}

/** Why `step` is a knee against the baseline (a p99, or p99 and p50), or null when the target kept up. */
export function kneeOf(
  step: KneeInput,
  baseline: number | Baseline | null,
  rule: KneeRule,
): KneeReason | null {
  if (step.attempts > 0 && (step.refused + step.errors) / step.attempts > rule.refusalRatio)
    return 'refusals';
  if (step.offered > 0 && step.achieved < rule.servedRatio * step.offered) return 'throughput';
  const base: Baseline =
    typeof baseline === 'number'
      ? { p99Us: baseline, p50Us: null }
      : (baseline ?? { p99Us: null, p50Us: null });
  if (base.p99Us !== null && step.p99Us !== null) {
    const limitUs = Math.max(rule.factor * base.p99Us, base.p99Us + rule.floorUs);
    const medianMoved = base.p50Us === null || step.p50Us == null || step.p50Us > rule.factor * base.p50Us;
    if (step.p99Us > limitUs && medianMoved) return 'latency';
  }
  return null;
}

/** A generator that sends this late at p99 (µs) may be the limit (the 5 ms tick is below it). */
export const GENERATOR_LAG_FLOOR_US = 20_000;
/** ... when its lateness is at least this share of the step's p99 latency. */
export const GENERATOR_LAG_SHARE = 0.5;

/**
 * Whether a knee step measured this machine's load generator rather than the target: it sent
 * late (its event loop was busy), by at least half the step's p99 latency. Latency runs from
 * the intended time, so such lateness is in it; refusals are the target's answer whatever the
 * generator did.
 */
export function generatorBehind(step: Pick<StepRecord, 'knee' | 'p99Us' | 'sendLagP99Us'>): boolean {
  const lag = step.sendLagP99Us;
  if (step.knee === 'refusals' || lag === null || lag === undefined || lag < GENERATOR_LAG_FLOOR_US)
    return false;
  return step.p99Us === null || lag >= GENERATOR_LAG_SHARE * step.p99Us;
}

/** The first knee of a series of steps (index and reason), or null when none. */
export function findKnee(
  steps: readonly KneeInput[],
  rule: KneeRule = DEFAULT_KNEE_RULE,
): { index: number; reason: KneeReason } | null {
  for (let i = 0; i < steps.length; i++) {
    const first = steps.slice(0, Math.max(1, Math.min(i, 2)));
    const base: Baseline = { p99Us: baselineP99Us(first), p50Us: lowest(first.map((s) => s.p50Us)) };
    const reason = kneeOf(steps[i] as KneeInput, i === 0 ? null : base, rule);
    if (reason !== null) return { index: i, reason };
  }
  return null;
}
