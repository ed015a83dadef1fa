// Caps the number of points a chart draws. A 24 h run at a 1 s interval has 86 400 intervals;
// the chart is ~900 px wide, so more than a few hundred points add bytes, not information.
import type { ChartSeries } from './types.js';

export const MAX_POINTS = 600;

export interface Sampled {
  timesUs: number[];
  series: ChartSeries[];
}

function reduceBucket(
  values: readonly (number | null)[],
  from: number,
  to: number,
  mode: 'max' | 'last',
): number | null {
  let out: number | null = null;
  for (let i = from; i < to; i += 1) {
    const v = values[i] ?? null;
    if (v === null) continue;
    out = mode === 'last' || out === null ? v : Math.max(out, v);
  }
  return out;
}

/**
 * Groups consecutive intervals into at most `maxPoints` buckets, each plotted at its last
 * interval's end. `max` keeps spikes (latency, per-interval counts); `last` keeps levels
 * (devices in a state at the end of the bucket).
 */
export function downsample(
  timesUs: readonly number[],
  series: readonly ChartSeries[],
  mode: 'max' | 'last',
  maxPoints = MAX_POINTS,
): Sampled {
  const n = timesUs.length;
  if (n <= maxPoints) return { timesUs: [...timesUs], series: [...series] };
  const per = Math.ceil(n / maxPoints);
  const outTimes: number[] = [];
  for (let i = 0; i < n; i += per) outTimes.push(timesUs[Math.min(n, i + per) - 1] ?? 0);
  const outSeries = series.map((s) => {
    const values: (number | null)[] = [];
    for (let i = 0; i < n; i += per) values.push(reduceBucket(s.values, i, Math.min(n, i + per), mode));
    return { ...s, values };
  });
  return { timesUs: outTimes, series: outSeries };
}

/** Number of x positions where at least one series has a value. */
export function countPoints(series: readonly ChartSeries[], length: number): number {
  let count = 0;
  for (let i = 0; i < length; i += 1) if (series.some((s) => (s.values[i] ?? null) !== null)) count += 1;
  return count;
}
