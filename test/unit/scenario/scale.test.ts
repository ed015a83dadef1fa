import { describe, expect, it } from 'vitest';
import { largestRemainder, scaleFleet } from '../../../src/scenario/index.js';

describe('largest remainder', () => {
  it('splits exactly and proportionally', () => {
    expect(largestRemainder([900_000, 100_000], 2000)).toEqual([1800, 200]);
    expect(largestRemainder([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(largestRemainder([5, 3], 3)).toEqual([2, 1]);
    expect(largestRemainder([1, 2, 3], 600)).toEqual([100, 200, 300]);
  });

  it('always sums to the total and never moves a group by a whole device or more', () => {
    let x = 12345;
    const next = (m: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % m;
    for (let round = 0; round < 200; round++) {
      const weights = Array.from({ length: 1 + next(6) }, () => 1 + next(100_000));
      const total = 1 + next(3_000_000);
      const counts = largestRemainder(weights, total);
      const sum = weights.reduce((a, b) => a + b, 0);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      counts.forEach((c, i) => expect(Math.abs(c - (total * weights[i]!) / sum)).toBeLessThan(1));
    }
  });

  it('drops groups that end up empty', () => {
    const fleet = [
      { device: 'a', count: 10, firmware: null },
      { device: 'b', count: 1, firmware: null },
    ];
    expect(scaleFleet(fleet, 2)).toEqual([{ device: 'a', count: 2, firmware: null }]);
  });
});
