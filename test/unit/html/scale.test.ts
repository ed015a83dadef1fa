import { describe, expect, it } from 'vitest';
import { downsample } from '../../../src/reports/html/svg/downsample.js';
import {
  niceDurationLinear,
  niceDurationLog,
  niceLinear,
  timeTicks,
} from '../../../src/reports/html/svg/scale.js';

const S = 1_000_000;
const M = 60 * S;
const H = 60 * M;

describe('axis ticks', () => {
  it('puts a 24 h axis on 3 h steps', () => {
    expect(timeTicks(0, 24 * H)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24].map((h) => h * H));
  });

  it('puts a one-hour close-up on 10 minute steps', () => {
    expect(timeTicks(11 * H + 50 * M, 12 * H + 48 * M)).toEqual(
      [0, 1, 2, 3, 4, 5].map((k) => 11 * H + 50 * M + k * 10 * M),
    );
  });

  it('extends linear axes to 1-2-5 steps', () => {
    expect(niceLinear(0, 987_000)).toEqual({
      domain: [0, 1_000_000],
      ticks: [0, 200_000, 400_000, 600_000, 800_000, 1_000_000],
    });
  });

  it('puts duration axes on human steps', () => {
    expect(niceDurationLinear(62 * M).ticks).toEqual([0, 15, 30, 45, 60, 75].map((m) => m * M));
    expect(niceDurationLog(20_000, 130 * S).ticks).toEqual([10_000, 100_000, S, 10 * S, M, 10 * M]);
  });
});

describe('downsample', () => {
  const times = Array.from({ length: 1_000 }, (_, i) => (i + 1) * S);
  const spike = times.map((_, i) => (i === 501 ? 99 : 1));

  it('keeps spikes with max and levels with last', () => {
    const byMax = downsample(times, [{ label: 'x', color: '#000', values: spike }], 'max', 100);
    expect(byMax.timesUs).toHaveLength(100);
    expect(Math.max(...byMax.series[0]!.values.map((v) => v ?? 0))).toBe(99);
    const byLast = downsample(times, [{ label: 'x', color: '#000', values: spike }], 'last', 100);
    expect(byLast.series[0]!.values.every((v) => v === 1)).toBe(true);
    expect(byLast.timesUs[99]).toBe(1_000 * S);
  });

  it('leaves short series alone', () => {
    expect(downsample(times.slice(0, 10), [], 'max', 100).timesUs).toHaveLength(10);
  });
});
