import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { HIST_HIGHEST_US } from '../../../src/metrics/catalog.js';
import {
  DenseCounts,
  SparseAccumulator,
  decodeSparse,
  encodeSparse,
  reportFromSparse,
  sparseOf,
  sparsePercentile,
} from '../../../src/metrics/hdr.js';
import { newHistogram } from '../../../src/metrics/recorder.js';
import { rng } from '../reports/fixtures.js';

/** Histograms of different shapes: narrow, wide, sparse, huge counts, single values. */
function samples(): JsHistogram[] {
  const out: JsHistogram[] = [];
  for (let seed = 1; seed <= 12; seed++) {
    const r = rng(seed);
    const h = newHistogram();
    const n = 1 + Math.floor(r() * 2000);
    const magnitude = 1 + Math.floor(r() * 11);
    for (let i = 0; i < n; i++) h.recordValue(1 + Math.floor(r() * 10 ** magnitude));
    out.push(h);
  }
  const big = newHistogram();
  big.recordValueWithCount(1, 2 ** 40);
  big.recordValueWithCount(HIST_HIGHEST_US, 3_000_000_000);
  big.recordValueWithCount(12_345, 127);
  out.push(big);
  const one = newHistogram();
  one.recordValue(1);
  out.push(one);
  return out;
}

describe('HDR codec', () => {
  it('encodes byte for byte like hdr-histogram-js', () => {
    for (const h of samples()) expect(encodeSparse(sparseOf(h))).toBe(hdr.encodeIntoCompressedBase64(h));
  });

  it('decodes what hdr-histogram-js encodes, and round-trips', () => {
    for (const h of samples()) {
      const encoded = hdr.encodeIntoCompressedBase64(h);
      const sparse = decodeSparse(encoded);
      expect(sparse).toEqual(sparseOf(h));
      const back = hdr.decodeFromCompressedBase64(encodeSparse(sparse), 64);
      expect(back.totalCount).toBe(h.totalCount);
    }
  });

  it('re-buckets a histogram written with another layout', () => {
    const foreign = hdr.build({
      bitBucketSize: 64,
      numberOfSignificantValueDigits: 2,
      highestTrackableValue: 1e9,
    });
    foreign.recordValueWithCount(5000, 3);
    const sparse = decodeSparse(hdr.encodeIntoCompressedBase64(foreign));
    expect(sparse.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('reads an empty string as no values, and rejects what is not an encoding', () => {
    expect(decodeSparse('')).toEqual({ idx: [], counts: [] });
    expect(encodeSparse({ idx: [], counts: [] })).toBe('');
    expect(() => decodeSparse('bm90IGEgaGlzdG9ncmFt')).toThrow(/not a compressed HdrHistogram/);
    const valid = hdr.encodeIntoCompressedBase64(samples()[0] as JsHistogram);
    expect(() => decodeSparse(valid.slice(0, 30))).toThrow();
  });

  it('computes percentiles, min, max and mean exactly as JsHistogram does', () => {
    for (const h of samples()) {
      const sparse = sparseOf(h);
      for (const p of [0, 0.1, 1, 25, 50, 90, 99, 99.9, 99.99, 100]) {
        expect(sparsePercentile(sparse, h.totalCount, p)).toBe(h.getValueAtPercentile(p));
      }
      const summary = reportFromSparse(sparse);
      expect(summary.minUs).toBe(h.getValueAtPercentile(0));
      expect(summary.maxUs).toBe(h.getValueAtPercentile(100));
      expect(summary.meanUs).toBe(Math.round(h.mean * 1000) / 1000);
    }
  });
});

describe('sparse accumulators', () => {
  it('merge sorted, unsorted and duplicate indexes exactly, dropping zeros', () => {
    const acc = new SparseAccumulator();
    acc.add({ idx: [3, 10, 20], counts: [1, 2, 3] });
    acc.add({ idx: [20, 3, 3, 7], counts: [1, 1, 1, 0] });
    acc.add({ idx: [], counts: [] });
    expect(acc.toSparse()).toEqual({ idx: [3, 10, 20], counts: [3, 2, 4] });
    const dense = new DenseCounts();
    dense.add({ idx: [20, 3], counts: [4, 3] });
    dense.add({ idx: [10], counts: [2] });
    expect(dense.toSparse()).toEqual(acc.toSparse());
    expect(dense.totalCount).toBe(9);
  });

  it('rejects bucket indexes outside the layout', () => {
    expect(() => new SparseAccumulator().add({ idx: [1e9], counts: [1] })).toThrow(
      /outside the histogram layout/,
    );
    expect(() => new DenseCounts().add({ idx: [-1], counts: [1] })).toThrow(/outside the histogram layout/);
  });
});
