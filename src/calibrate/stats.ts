// Pure statistics of the fit: percentiles of a step's samples, and percentile-bootstrap
// intervals with the injected random stream (same seed ⇒ same interval).
import { Stream } from '../random/rng.js';

/** The q-quantile (0..1) of `values` by nearest rank; null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

/**
 * 95 % percentile-bootstrap interval of `stat` over `samples`: `resamples` draws of the same
 * size with replacement (the injected stream picks them), the 2.5th and 97.5th percentiles of
 * the statistic. `value` is the statistic of the samples themselves.
 */
export function bootstrap(
  samples: readonly number[],
  stat: (xs: readonly number[]) => number,
  resamples: number,
  seed: number,
): Interval {
  const value = stat(samples);
  if (samples.length < 2) return { value, low: value, high: value };
  const rng = new Stream(seed);
  const draws: number[] = [];
  const buf = new Array<number>(samples.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < samples.length; i++)
      buf[i] = samples[Math.floor(rng.next() * samples.length)] as number;
    draws.push(stat(buf));
  }
  return { value, low: quantile(draws, 0.025) ?? value, high: quantile(draws, 0.975) ?? value };
}

export const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;

/** Gaps between consecutive answers (µs), skipping zero-width ties of one read. */
export function gapsUs(doneUs: readonly number[]): number[] {
  const sorted = [...doneUs].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 1; i < sorted.length; i++) out.push((sorted[i] as number) - (sorted[i - 1] as number));
  return out;
}

/** Service rate (/s) from answer gaps: one answer per mean gap. */
export const rateOfGaps = (gaps: readonly number[]): number => {
  const m = mean(gaps);
  return m > 0 ? 1e6 / m : 0;
};

/** Rounds to 3 significant digits (fits are measurements, not exact figures). */
export function sig3(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(3)) : v;
}
