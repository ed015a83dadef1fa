// HDR histogram helpers for the main thread: exact encode/decode of the report's `hdr` strings
// and the summaries (count, percentiles) written next to them. Every summary is computed from
// sparse bucket counts by one function, so a report aggregated from snapshots and one merged from
// shard encodings agree to the last digit. Percentiles are never averaged.
import type { JsHistogram } from 'hdr-histogram-js';
import type { HistogramPoint, HistogramReport } from '../reports/report-types.js';
import { decodeSparse, encodeSparse, LAYOUT, sparseOf } from './hdr-codec.js';
import { addSparse, newHistogram } from './recorder.js';
import type { SparseLike } from './sparse.js';

export { decodeSparse, encodeSparse, sparseOf } from './hdr-codec.js';
export { DenseCounts, SparseAccumulator, type SparseLike } from './sparse.js';

/** hdr-histogram-js compressed base64 encoding of a histogram; '' when it holds no values. */
export function encodeHdr(hist: JsHistogram): string {
  return hist.totalCount === 0 ? '' : encodeSparse(sparseOf(hist));
}

/** Adds an encoded histogram into `target` (our layout); throws a plain Error on bad input. */
export function addEncoded(target: JsHistogram, encoded: string): void {
  addSparse(target, decodeSparse(encoded));
}

/** A fresh histogram holding the encoded values ('' → empty). */
export function decodeHdr(encoded: string): JsHistogram {
  const h = newHistogram();
  addEncoded(h, encoded);
  return h;
}

function totalOf(sparse: SparseLike): number {
  let total = 0;
  for (let i = 0; i < sparse.counts.length; i++) total += sparse.counts[i] as number;
  return total;
}

/** ulp as hdr-histogram-js computes it, so percentiles match getValueAtPercentile exactly. */
function ulp(x: number): number {
  return Math.pow(2, Math.floor(Math.log2(x)) - 52);
}

/** getValueAtPercentile over sparse counts (same rounding, same bucket bound). */
export function sparsePercentile(sparse: SparseLike, total: number, percentile: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  const rank = Math.max(Math.ceil(fp - ulp(fp)), 1);
  let seen = 0;
  for (let i = 0; i < sparse.idx.length; i++) {
    seen += sparse.counts[i] as number;
    if (seen >= rank) {
      const v = LAYOUT.valueFromIndex(sparse.idx[i] as number);
      return percentile === 0 ? LAYOUT.lowestEquivalentValue(v) : LAYOUT.highestEquivalentValue(v);
    }
  }
  return 0;
}

/** JsHistogram.mean over sparse counts: bucket medians, summed in index order. */
function sparseMean(sparse: SparseLike, total: number): number {
  let sum = 0;
  for (let i = 0; i < sparse.idx.length; i++) {
    sum +=
      LAYOUT.medianEquivalentValue(LAYOUT.valueFromIndex(sparse.idx[i] as number)) *
      (sparse.counts[i] as number);
  }
  return sum / total;
}

function lastValue(sparse: SparseLike): number {
  return LAYOUT.highestEquivalentValue(LAYOUT.valueFromIndex(sparse.idx[sparse.idx.length - 1] as number));
}

export function pointFromSparse(sparse: SparseLike): HistogramPoint {
  const count = totalOf(sparse);
  if (count === 0) return { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0, hdr: '' };
  return {
    count,
    p50Us: sparsePercentile(sparse, count, 50),
    p90Us: sparsePercentile(sparse, count, 90),
    p99Us: sparsePercentile(sparse, count, 99),
    maxUs: lastValue(sparse),
    hdr: encodeSparse(sparse),
  };
}

export function reportFromSparse(sparse: SparseLike): HistogramReport {
  const count = totalOf(sparse);
  if (count === 0) {
    return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, hdr: '' };
  }
  return {
    count,
    minUs: LAYOUT.lowestEquivalentValue(LAYOUT.valueFromIndex(sparse.idx[0] as number)),
    // Rounded to 1/1000 µs so the report does not carry float noise.
    meanUs: Math.round(sparseMean(sparse, count) * 1000) / 1000,
    p50Us: sparsePercentile(sparse, count, 50),
    p90Us: sparsePercentile(sparse, count, 90),
    p99Us: sparsePercentile(sparse, count, 99),
    p999Us: sparsePercentile(sparse, count, 99.9),
    maxUs: lastValue(sparse),
    hdr: encodeSparse(sparse),
  };
}

export function summarizeHistogram(hist: JsHistogram): HistogramReport {
  return reportFromSparse(sparseOf(hist));
}

export function summarizePoint(hist: JsHistogram): HistogramPoint {
  return pointFromSparse(sparseOf(hist));
}

/**
 * Max and min as bucket bounds (what getValueAtPercentile(100) / (0) report). The raw
 * maxValue / minNonZeroValue fields depend on how the counts got there (recorded values, sparse
 * buckets or a decoded encoding), so reading them directly would make merged and directly
 * aggregated reports differ.
 */
export function maxUsOf(hist: JsHistogram): number {
  return hist.totalCount === 0 ? 0 : hist.highestEquivalentValue(hist.maxValue);
}

export function minUsOf(hist: JsHistogram): number {
  return hist.totalCount === 0 ? 0 : hist.lowestEquivalentValue(hist.minNonZeroValue);
}
