// Knee detection, pure: a step is the knee when the target stops keeping up with what was
// offered. Three signs, checked in this order:
//   refusals   – refused + failed answers pass `refusalRatio` of the attempts;
//   throughput – fewer served per second than `servedRatio` × offered;
//   latency    – p99 passes `factor` × the baseline p99 AND the baseline by `floorUs`
//                (a sub-millisecond baseline tripling on a busy machine is noise, not a knee).
// The baseline is the lowest p99 of the first two steps (the lightest loads).
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

type KneeInput = Pick<StepRecord, 'offered' | 'achieved' | 'attempts' | 'refused' | 'errors' | 'p99Us'>;

/** Lowest p99 of the first two steps; null before any step has one. */
export function baselineP99Us(steps: readonly KneeInput[]): number | null {
  const p99s = steps
    .slice(0, 2)
    .map((s) => s.p99Us)
    .filter((v): v is number => v !== null);
  return p99s.length === 0 ? null : Math.min(...p99s);
}

/** Why `step` is a knee against `baselineUs`, or null when the target kept up. */
export function kneeOf(step: KneeInput, baselineUs: number | null, rule: KneeRule): KneeReason | null {
  if (step.attempts > 0 && (step.refused + step.errors) / step.attempts > rule.refusalRatio)
    return 'refusals';
  if (step.offered > 0 && step.achieved < rule.servedRatio * step.offered) return 'throughput';
  if (baselineUs !== null && step.p99Us !== null) {
    const limitUs = Math.max(rule.factor * baselineUs, baselineUs + rule.floorUs);
    if (step.p99Us > limitUs) return 'latency';
  }
  return null;
}

/** The first knee of a series of steps (index and reason), or null when none. */
export function findKnee(
  steps: readonly KneeInput[],
  rule: KneeRule = DEFAULT_KNEE_RULE,
): { index: number; reason: KneeReason } | null {
  for (let i = 0; i < steps.length; i++) {
    const base = baselineP99Us(steps.slice(0, Math.max(1, Math.min(i, 2))));
    const reason = kneeOf(steps[i] as KneeInput, i === 0 ? null : base, rule);
    if (reason !== null) return { index: i, reason };
  }
  return null;
}
