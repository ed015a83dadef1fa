// Merging the per-interval series of shard reports, aligned on timesUs: increments and state
// counts add, interval histograms merge from their HDR encodings, and the on-target ratio is
// re-weighted by each shard's targeted devices (a ratio cannot be summed).
import { pointFromSparse, SparseAccumulator } from '../metrics/hdr.js';
import type { HistogramPoint, Report } from './report-types.js';
import { decodeReportHdr, unionKeys } from './merge-metrics.js';

type Series = Report['series'];

interface Aligned {
  series: Series;
  /** Merged time index → this shard's index, or -1 where the shard has no such point. */
  at: number[];
}

function align(all: readonly Series[], timesUs: number[]): Aligned[] {
  return all.map((series) => {
    const pos = new Map(series.timesUs.map((t, i) => [t, i]));
    return { series, at: timesUs.map((t) => pos.get(t) ?? -1) };
  });
}

function sumRecord(
  aligned: readonly Aligned[],
  n: number,
  pick: (s: Series) => Record<string, number[]>,
  order: readonly string[],
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const key of unionKeys(
    aligned.map((a) => pick(a.series)),
    order,
  )) {
    const sums = new Array<number>(n).fill(0);
    for (const a of aligned) {
      const values = pick(a.series)[key];
      if (!values) continue;
      a.at.forEach((j, i) => {
        if (j >= 0) sums[i] = (sums[i] as number) + (values[j] ?? 0);
      });
    }
    out[key] = sums;
  }
  return out;
}

function mergePoints(aligned: readonly Aligned[], n: number, key: string, where: string[]): HistogramPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const acc = new SparseAccumulator();
    aligned.forEach((a, r) => {
      const j = a.at[i] as number;
      const p = j >= 0 ? a.series.histograms[key]?.[j] : undefined;
      if (p && p.count > 0) acc.add(decodeReportHdr(p.hdr, `${where[r]}: series.histograms["${key}"][${j}]`));
    });
    return pointFromSparse(acc.view());
  });
}

/** Cumulative sums of a per-interval increment series, aligned on the merged times. */
function cumulative(a: Aligned, key: string): number[] {
  const inc = a.series.counters[key] ?? [];
  const cum: number[] = [];
  let sum = 0;
  for (const v of inc) cum.push((sum += v));
  return a.at.map((j) => (j >= 0 ? (cum[j] ?? 0) : 0));
}

function mergeOnTarget(aligned: readonly Aligned[], n: number): number[] {
  const committed = new Array<number>(n).fill(0);
  const targeted = new Array<number>(n).fill(0);
  for (const a of aligned) {
    const t = cumulative(a, 'ota_targeted_total');
    a.at.forEach((j, i) => {
      if (j < 0) return;
      // Each shard's ratio × its targeted devices is a whole number of devices on target.
      committed[i] =
        (committed[i] as number) + Math.round((a.series.onTargetRatio[j] ?? 0) * (t[i] as number));
      targeted[i] = (targeted[i] as number) + (t[i] as number);
    });
  }
  return committed.map((c, i) => ((targeted[i] as number) > 0 ? c / (targeted[i] as number) : 0));
}

export interface SeriesOrder {
  counters: readonly string[];
  histograms: readonly string[];
  connStates: readonly string[];
  otaStates: readonly string[];
}

/** `where` names each report (for errors on a corrupt encoding). */
export function mergeSeries(all: readonly Series[], where: string[], order: SeriesOrder): Series {
  const timesUs = [...new Set(all.flatMap((s) => s.timesUs))].sort((a, b) => a - b);
  const n = timesUs.length;
  const aligned = align(all, timesUs);
  const histograms: Record<string, HistogramPoint[]> = {};
  for (const key of unionKeys(
    all.map((s) => s.histograms),
    order.histograms,
  )) {
    histograms[key] = mergePoints(aligned, n, key, where);
  }
  return {
    timesUs,
    counters: sumRecord(aligned, n, (s) => s.counters, order.counters),
    histograms,
    connStates: sumRecord(aligned, n, (s) => s.connStates, order.connStates),
    otaStates: sumRecord(aligned, n, (s) => s.otaStates, order.otaStates),
    onTargetRatio: mergeOnTarget(aligned, n),
  };
}
