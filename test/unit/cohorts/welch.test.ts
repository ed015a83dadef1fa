// Welch's t from mergeable sums: known quantiles, the textbook interval with equal weights,
// and sums split anywhere (shards, processes) giving the interval of the whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addValue, meanOf, SUMS, tQuantile, welch } from '../../../src/cohorts/welch.js';

function sumsOf(values: readonly (readonly [number, number])[]): Float64Array {
  const s = new Float64Array(SUMS);
  for (const [y, w] of values) addValue(s, 0, y, w);
  return s;
}

describe("Welch's t", () => {
  it('t quantiles match the tables', () => {
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [5, 2.571],
      [10, 2.228],
      [30, 2.042],
      [1e9, 1.96],
    ];
    for (const [df, t] of table) expect(tQuantile(0.975, df)).toBeCloseTo(t, 3);
  });

  it('equal weights give the textbook interval: mean difference ± t·√(s²a/na + s²b/nb)', () => {
    const a = [10, 12, 9, 11, 13, 10, 12];
    const b = [8, 9, 7, 10, 9, 8];
    const ma = meanOf(sumsOf(a.map((x) => [x, 1] as const)));
    const mb = meanOf(sumsOf(b.map((x) => [x, 1] as const)));
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = (xs: number[]): number =>
      xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
    const va = variance(a) / a.length;
    const vb = variance(b) / b.length;
    expect(ma?.varMean).toBeCloseTo(va, 12);
    const d = welch(ma!, mb!);
    const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
    expect(d?.absolute).toBeCloseTo(mean(a) - mean(b), 12);
    expect(d?.absoluteHalfWidth).toBeCloseTo(tQuantile(0.975, df) * Math.sqrt(va + vb), 9);
    expect(d?.relative).toBeCloseTo(mean(a) / mean(b) - 1, 12);
  });

  it('a cohort of one device has no interval, an empty one no mean', () => {
    expect(meanOf(sumsOf([]))).toBeNull();
    const one = meanOf(sumsOf([[3, 1]]));
    expect(one?.varMean).toBeNull();
    expect(
      welch(
        one!,
        meanOf(
          sumsOf([
            [1, 1],
            [2, 1],
          ]),
        )!,
      ),
    ).toBeNull();
  });

  it('sums split at any point add up to the sums of the whole', () => {
    const value = fc.tuple(
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 0.01, max: 5, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 3, maxLength: 40 }), fc.nat(), (values, cut) => {
        const k = cut % values.length;
        const whole = sumsOf(values);
        const a = sumsOf(values.slice(0, k));
        const b = sumsOf(values.slice(k));
        const merged = whole.map((_, i) => (a[i] as number) + (b[i] as number));
        const mw = meanOf(whole);
        const mm = meanOf(merged);
        if (mw === null) return mm === null;
        // Relative tolerance: a variance of the mean can be millions, and summing in two parts
        // rounds differently in the last bits.
        const near = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
        expect(near(mm?.mean ?? NaN, mw.mean), `mean ${mm?.mean} vs ${mw.mean}`).toBe(true);
        expect(near(mm?.varMean ?? 0, mw.varMean ?? 0), `varMean ${mm?.varMean} vs ${mw.varMean}`).toBe(true);
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('covers a known difference about 95 % of the time (seeded simulation)', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const normal = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const a = sumsOf(Array.from({ length: 30 }, () => [10.8 + 2 * normal(), 1] as const));
      const b = sumsOf(Array.from({ length: 40 }, () => [10 + 3 * normal(), 1] as const));
      const d = welch(meanOf(a)!, meanOf(b)!)!;
      if (Math.abs(d.absolute - 0.8) <= d.absoluteHalfWidth) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.91);
    expect(covered / trials).toBeLessThan(0.99);
  });
});
