// What derived values and thresholds read: totals by name. Implemented by the live Aggregator
// (mid-run and at the end) and by a finished report's `metrics` (report merge / render).
import type { JsHistogram } from 'hdr-histogram-js';
import type { Report } from '../reports/report-types.js';
import type { DerivedName, HistogramName } from './catalog.js';
import { decodeHdr } from './hdr.js';
import { countersFor } from './names.js';
import { newHistogram } from './recorder.js';

export interface MetricsReader {
  /** A counter by full name (`ota_failed_total{reason="verify"}`) or family (sums its labels). */
  counter(name: string): number;
  /** Cumulative histogram; empty (totalCount 0) when nothing was recorded. Do not modify. */
  histogram(name: HistogramName): JsHistogram;
}

export interface MetricsSource extends MetricsReader {
  derived(name: DerivedName): number | null;
}

export function isMetricsSource(x: MetricsSource | Report['metrics']): x is MetricsSource {
  return typeof (x as Partial<MetricsSource>).counter === 'function';
}

/** Sums the counters a name stands for, read from `get`; unknown names are a bug. */
export function sumCounter(name: string, get: (full: string) => number): number {
  const names = countersFor(name);
  if (!names) throw new Error(`unknown counter ${name}`);
  let sum = 0;
  for (const n of names) sum += get(n);
  return sum;
}

/** A MetricsSource over a report's metrics; histograms are decoded from `hdr` on first use. */
export function metricsSourceFromReport(metrics: Report['metrics']): MetricsSource {
  const cache = new Map<string, JsHistogram>();
  return {
    counter: (name) => sumCounter(name, (full) => metrics.counters[full] ?? 0),
    histogram(name) {
      let h = cache.get(name);
      if (!h) {
        const encoded = metrics.histograms[name]?.hdr ?? '';
        h = encoded === '' ? newHistogram() : decodeHdr(encoded);
        cache.set(name, h);
      }
      return h;
    },
    derived: (name) => metrics.derived[name] ?? null,
  };
}
