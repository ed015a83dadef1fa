// Merging the cumulative metrics of shard reports: histograms from their HDR encodings (never
// by averaging percentiles), counters summed, derived values recomputed from the merged totals.
import type { JsHistogram } from 'hdr-histogram-js';
import { DERIVED, HISTOGRAMS, type DerivedName, type HistogramName } from '../metrics/catalog.js';
import { computeDerived } from '../metrics/derived.js';
import { decodeSparse, reportFromSparse, SparseAccumulator, type SparseLike } from '../metrics/hdr.js';
import { newHistogram, type SparseHistogram } from '../metrics/recorder.js';
import { addSparseLike } from '../metrics/sparse.js';
import { sumCounter } from '../metrics/source.js';
import { ToolError } from '../errors/tool-error.js';
import type { HistogramReport, Report } from './report-types.js';

type Metrics = Report['metrics'];

/** Keys of all records: `order` first (those present), then the others sorted. */
export function unionKeys(records: readonly Record<string, unknown>[], order: readonly string[]): string[] {
  const present = new Set(records.flatMap((r) => Object.keys(r)));
  const known = order.filter((k) => present.has(k));
  const knownSet = new Set(known);
  const rest = [...present].filter((k) => !knownSet.has(k)).sort();
  return [...known, ...rest];
}

/** Decodes a report's histogram, turning a corrupt encoding into a ToolError. */
export function decodeReportHdr(encoded: string, where: string): SparseHistogram {
  try {
    return decodeSparse(encoded);
  } catch (e) {
    throw new ToolError(
      'FLEETSTORM_ERR_REPORT_INPUT',
      `cannot decode the HDR histogram: ${(e as Error).message}`,
      {
        where,
        fix: 'pass an unmodified report.json written by `fleetstorm run`',
      },
    );
  }
}

function mergeHistograms(all: readonly Metrics[], where: string[]): Map<string, SparseLike> {
  const out = new Map<string, SparseLike>();
  for (const key of unionKeys(
    all.map((m) => m.histograms),
    HISTOGRAMS,
  )) {
    const acc = new SparseAccumulator();
    all.forEach((m, r) => {
      const h = m.histograms[key];
      if (h && h.count > 0) acc.add(decodeReportHdr(h.hdr, `${where[r]}: metrics.histograms["${key}"]`));
    });
    out.set(key, acc.view());
  }
  return out;
}

function mergeCounters(all: readonly Metrics[], order: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of unionKeys(
    all.map((m) => m.counters),
    order,
  )) {
    out[key] = all.reduce((sum, m) => sum + (m.counters[key] ?? 0), 0);
  }
  return out;
}

/**
 * fleet_on_target_ratio of the union: each shard's ratio × its targeted devices is a whole
 * number of devices; null when a shard with targeted devices has no ratio.
 */
function mergedOnTarget(all: readonly Metrics[]): number | null {
  let committed = 0;
  let targeted = 0;
  for (const m of all) {
    const t = sumCounter('ota_targeted_total', (n) => m.counters[n] ?? 0);
    if (t <= 0) continue;
    const ratio = m.derived.fleet_on_target_ratio;
    if (ratio === null || ratio === undefined) return null;
    committed += Math.round(ratio * t);
    targeted += t;
  }
  return targeted > 0 ? committed / targeted : null;
}

/** fleet_online_ratio of the union: each shard's ratio × its devices is a whole number. */
function mergedOnline(all: readonly Metrics[]): number | null {
  let connected = 0;
  for (const m of all) {
    const ratio = m.derived.fleet_online_ratio;
    const devices = m.derived.devices_total ?? 0;
    if (devices <= 0) continue;
    if (ratio === null || ratio === undefined) return null;
    connected += Math.round(ratio * devices);
  }
  return connected;
}

export function mergeMetrics(
  all: readonly Metrics[],
  where: string[],
  counterOrder: readonly string[],
  devices: number,
): Metrics {
  const merged = mergeHistograms(all, where);
  const histograms: Record<string, HistogramReport> = {};
  for (const [key, sparse] of merged) histograms[key] = reportFromSparse(sparse);
  const counters = mergeCounters(all, counterOrder);
  const full = new Map<string, JsHistogram>();
  const histogram = (name: HistogramName): JsHistogram => {
    let h = full.get(name);
    if (!h) {
      h = newHistogram();
      addSparseLike(h, merged.get(name) ?? { idx: [], counts: [] });
      full.set(name, h);
    }
    return h;
  };
  const values = computeDerived({
    counter: (name) => sumCounter(name, (n) => counters[n] ?? 0),
    histogram,
    devices,
    onTargetRatio: mergedOnTarget(all),
    committedDevices: null,
    onlineDevices: mergedOnline(all),
  });
  const derived: Record<string, number | null> = {};
  for (const name of DERIVED) derived[name] = values[name as DerivedName];
  return { histograms, counters, derived };
}
