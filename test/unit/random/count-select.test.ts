// countThreshold: exactly k members of a hashed set fall under the threshold, whatever k, the
// set's size or how sparse it is among the ids.
import { describe, expect, it } from 'vitest';
import { countThreshold } from '../../../src/random/count-select.js';
import { hash32 } from '../../../src/random/rng.js';

const below = (n: number, cut: number, hashOf: (id: number) => number): number => {
  let c = 0;
  for (let id = 0; id < n; id++) {
    const h = hashOf(id);
    if (h >= 0 && h / 4294967296 < cut) c++;
  }
  return c;
};

describe('countThreshold', () => {
  it('puts exactly k members under the threshold', () => {
    for (const [n, k, every] of [
      [10_000, 1, 1],
      [10_000, 137, 1],
      [10_000, 5_000, 1],
      [50_000, 999, 7], // one id in 7 is a member
      [200_000, 12_345, 3],
    ] as const) {
      const hashOf = (id: number): number => (id % every === 0 ? hash32(42, 9, id) : -1);
      expect(below(n, countThreshold(n, k, hashOf), hashOf), `${n}/${k}/${every}`).toBe(k);
    }
  });

  it('takes everyone when k is the set size or more, and no one for k = 0', () => {
    const hashOf = (id: number): number => (id < 10 ? hash32(1, 2, id) : -1);
    expect(countThreshold(100, 10, hashOf)).toBe(1);
    expect(countThreshold(100, 50, hashOf)).toBe(1);
    expect(countThreshold(100, 0, hashOf)).toBe(0);
    expect(below(100, countThreshold(100, 0, hashOf), hashOf)).toBe(0);
  });

  it('is the same threshold whichever order the ids come in (no state between calls)', () => {
    const hashOf = (id: number): number => hash32(3, 4, id);
    expect(countThreshold(30_000, 777, hashOf)).toBe(countThreshold(30_000, 777, hashOf));
  });
});
