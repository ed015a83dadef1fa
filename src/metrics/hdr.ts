// HDR histogram helpers for the main thread: exact encode/decode of the report's `hdr` strings
// and the summaries (count, percentiles) written next to them. Percentiles are always read from
// a merged histogram, never averaged.
import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import type { HistogramPoint, HistogramReport } from '../reports/report-types.js';
import { newHistogram, type SparseHistogram } from './recorder.js';

/** hdr-histogram-js encoding of a histogram; '' when it holds no values. */
export function encodeHdr(hist: JsHistogram): string {
  return hist.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(hist);
}

/**
 * Adds an encoded histogram into `target` (our bucket layout). Throws a plain Error when the
 * text is not an HDR encoding; callers that read user files turn that into a ToolError.
 */
export function addEncoded(target: JsHistogram, encoded: string): void {
  if (encoded === '') return;
  // 64-bit counts: interval counts can pass 2^31 in long runs of large fleets.
  const decoded = hdr.decodeFromCompressedBase64(encoded, 64) as JsHistogram;
  target.add(decoded);
}

/** A fresh histogram holding the encoded values ('' → empty). */
export function decodeHdr(encoded: string): JsHistogram {
  const h = newHistogram();
  addEncoded(h, encoded);
  return h;
}

/** Sparse bucket counts, merged in any order, as sorted parallel arrays (exact: counts add). */
export class SparseAccumulator {
  private readonly counts = new Map<number, number>();

  add(sparse: SparseHistogram): void {
    for (let i = 0; i < sparse.idx.length; i++) {
      const k = sparse.idx[i] as number;
      this.counts.set(k, (this.counts.get(k) ?? 0) + (sparse.counts[i] as number));
    }
  }

  get empty(): boolean {
    return this.counts.size === 0;
  }

  toSparse(): SparseHistogram {
    const idx = [...this.counts.keys()].sort((a, b) => a - b);
    return { idx, counts: idx.map((k) => this.counts.get(k) as number) };
  }
}

const EMPTY_REPORT: HistogramReport = {
  count: 0,
  minUs: 0,
  meanUs: 0,
  p50Us: 0,
  p90Us: 0,
  p99Us: 0,
  p999Us: 0,
  maxUs: 0,
  hdr: '',
};

/** Mean rounded to 1/1000 µs so the report does not carry float noise. */
function roundMean(meanUs: number): number {
  return Math.round(meanUs * 1000) / 1000;
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

export function summarizeHistogram(hist: JsHistogram): HistogramReport {
  if (hist.totalCount === 0) return { ...EMPTY_REPORT };
  return {
    count: hist.totalCount,
    minUs: minUsOf(hist),
    meanUs: roundMean(hist.mean),
    p50Us: hist.getValueAtPercentile(50),
    p90Us: hist.getValueAtPercentile(90),
    p99Us: hist.getValueAtPercentile(99),
    p999Us: hist.getValueAtPercentile(99.9),
    maxUs: maxUsOf(hist),
    hdr: encodeHdr(hist),
  };
}

export function summarizePoint(hist: JsHistogram): HistogramPoint {
  if (hist.totalCount === 0) return { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0, hdr: '' };
  return {
    count: hist.totalCount,
    p50Us: hist.getValueAtPercentile(50),
    p90Us: hist.getValueAtPercentile(90),
    p99Us: hist.getValueAtPercentile(99),
    maxUs: maxUsOf(hist),
    hdr: encodeHdr(hist),
  };
}
