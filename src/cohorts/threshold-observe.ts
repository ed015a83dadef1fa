// What a `compare(...)` threshold observes: the relative difference's bound on the side that
// could fail it (the upper bound for < and <=, the lower for > and >=), never the point estimate
// alone, so a gate passes only when the whole 95 % interval does. An empty cohort, a single
// device or a baseline mean of 0 is "no data", which fails the threshold (src/metrics/thresholds.ts).
import type { CompareTarget } from '../metrics/threshold-compare.js';
import type { ThresholdOp } from '../metrics/threshold-parse.js';
import { comparePair, type CohortsReport } from './compare.js';
import { formatCount } from '../metrics/units.js';

export interface CompareObservation {
  value: number | null;
  missing: string;
  /** The difference as read: "+8.1 % ± 2.0 % (upper bound +10.1 %)". */
  text: string;
}

/** A share in percent, with a second decimal for values under 0.1 %. */
export function percent(x: number, signed = false): string {
  const digits = Math.abs(x) < 0.001 && x !== 0 ? 2 : 1;
  const v = Math.abs(x * 100).toFixed(digits);
  return `${signed ? (x < 0 ? '−' : '+') : ''}${v} %`;
}

export function observeCompare(
  t: CompareTarget,
  op: ThresholdOp,
  cohorts: CohortsReport | null | undefined,
): CompareObservation {
  const none = (missing: string): CompareObservation => ({ value: null, missing, text: '' });
  const dim = cohorts?.dimensions.find((d) => d.by === t.by);
  if (!dim) return none(`no cohorts by ${t.by} were measured`);
  const a = dim.cohorts.find((c) => c.name === t.cohort);
  const b = dim.cohorts.find((c) => c.name === t.baseline);
  if (!a || !b) return none(`no cohort "${a ? t.baseline : t.cohort}" of ${t.by}`);
  const cmp = comparePair(a, b, t.stat);
  if (cmp.noData !== null) return none(cmp.noData);
  if (cmp.relative === undefined || cmp.relative === null || cmp.relativeHalfWidth == null)
    return none(`the mean ${t.stat} of "${t.baseline}" is 0: no relative difference`);
  const upper = op === '<' || op === '<=';
  const value = upper ? cmp.relative + cmp.relativeHalfWidth : cmp.relative - cmp.relativeHalfWidth;
  const bound = `${upper ? 'upper' : 'lower'} bound ${percent(value, true)}`;
  const text = `${percent(cmp.relative, true)} ± ${percent(cmp.relativeHalfWidth)} (${bound}; n = ${formatCount(cmp.n)} vs ${formatCount(cmp.baselineN)})`;
  return { value, missing: '', text };
}
