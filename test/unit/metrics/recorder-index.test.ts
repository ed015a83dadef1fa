import { describe, expect, it } from 'vitest';
import { bucketIndexOf, newHistogram } from '../../../src/metrics/recorder.js';
import { HIST_HIGHEST_US } from '../../../src/metrics/catalog.js';
import { Stream } from '../../../src/random/rng.js';

describe('bucketIndexOf', () => {
  it('matches hdr-histogram-js countsArrayIndex across the whole range', () => {
    const h = newHistogram();
    const rng = new Stream(7);
    const values = [
      1,
      2,
      1023,
      1024,
      2047,
      2048,
      2049,
      4095,
      4096,
      65_535,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      HIST_HIGHEST_US,
    ];
    for (let i = 0; i < 20_000; i++)
      values.push(1 + Math.floor(Math.exp(rng.next() * Math.log(HIST_HIGHEST_US))));
    for (const v of values) expect(bucketIndexOf(v), `value ${v}`).toBe(h.countsArrayIndex(v));
  });
});
