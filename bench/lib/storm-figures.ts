// The figures the calibration benchmark compares, read from a report (live or virtual, the same
// way): fleet recovery after the outage, connect latency p50/p99 over the storm (outage end →
// 99 % back) and at its peak (the worst report interval's p50 and p99), publish-ack p99 over
// the storm and the telemetry interval after it, and connect refusals that were not the outage
// itself.
import { addEncoded, sparsePercentile, sparseOf } from '../../src/metrics/hdr.js';
import { newHistogram } from '../../src/metrics/recorder.js';
import type { Report } from '../../src/reports/report-types.js';

export interface StormFigures {
  recoveryS: number | null;
  connectP50Ms: number | null;
  connectP99Ms: number | null;
  /** The storm's worst interval (of those with PEAK_MIN_CONNECTS or more connects): its p50, its p99. */
  connectPeakP50Ms: number | null;
  connectPeakP99Ms: number | null;
  refusals: number;
  publishP99Ms: number | null;
  /** Connects and acked publishes inside the storm window (how much the percentiles rest on). */
  stormConnects: number;
  stormPublishes: number;
}

export const FIGURE_KEYS = [
  'recoveryS',
  'connectP50Ms',
  'connectP99Ms',
  'connectPeakP50Ms',
  'connectPeakP99Ms',
  'refusals',
  'publishP99Ms',
] as const;

/** An interval's percentiles count towards the peak from this many connects (not a handful). */
export const PEAK_MIN_CONNECTS = 100;
export type FigureKey = (typeof FIGURE_KEYS)[number];

function outageWindowUs(r: Report): { endUs: number } | null {
  const f = r.faults.find((e) => e.type === 'backend-outage');
  return f ? { endUs: f.atUs + f.durationUs } : null;
}

/** Merges a latency series over the intervals ending in (fromUs, toUs]. */
function windowPercentiles(r: Report, metric: string, fromUs: number, toUs: number, ps: number[]) {
  const points = r.series.histograms[metric] ?? [];
  const h = newHistogram();
  r.series.timesUs.forEach((endUs, i) => {
    const p = points[i];
    if (p && p.hdr !== '' && endUs > fromUs && endUs - r.intervalUs < toUs) addEncoded(h, p.hdr);
  });
  const total = h.totalCount;
  const sparse = sparseOf(h);
  return { total, values: ps.map((p) => (total === 0 ? null : sparsePercentile(sparse, total, p) / 1000)) };
}

/** The highest p50 and the highest p99 of the intervals ending in (fromUs, toUs]. */
function peakPercentiles(r: Report, metric: string, fromUs: number, toUs: number) {
  const points = r.series.histograms[metric] ?? [];
  let p50: number | null = null;
  let p99: number | null = null;
  r.series.timesUs.forEach((endUs, i) => {
    const p = points[i];
    if (!p || p.hdr === '' || endUs <= fromUs || endUs - r.intervalUs >= toUs) return;
    const h = newHistogram();
    addEncoded(h, p.hdr);
    if (h.totalCount < PEAK_MIN_CONNECTS) return;
    const sparse = sparseOf(h);
    p50 = Math.max(p50 ?? 0, sparsePercentile(sparse, h.totalCount, 50) / 1000);
    p99 = Math.max(p99 ?? 0, sparsePercentile(sparse, h.totalCount, 99) / 1000);
  });
  return { p50, p99 };
}

/**
 * `publishWindowUs`: how long after the outage publishes count as "under load" (the returning
 * fleet publishes again one telemetry interval after it is back).
 */
export function stormFigures(r: Report, publishWindowUs: number): StormFigures {
  const recoveryUs = r.metrics.derived.fleet_recovery_duration_us ?? null;
  const w = outageWindowUs(r);
  const fromUs = w?.endUs ?? 0;
  // The storm: from the outage's end until 99 % were back (at least 2 intervals).
  const toUs = fromUs + Math.max(recoveryUs ?? r.reachedUs, 2 * r.intervalUs);
  const conn = windowPercentiles(r, 'mqtt_connect_duration_us', fromUs, toUs, [50, 99]);
  const peak = peakPercentiles(r, 'mqtt_connect_duration_us', fromUs, toUs);
  const pub = windowPercentiles(r, 'mqtt_publish_ack_duration_us', fromUs, toUs + publishWindowUs, [99]);
  let refusals = 0;
  for (const [name, v] of Object.entries(r.metrics.counters))
    if (name.startsWith('mqtt_connect_failed_total{') && !name.includes('"outage"')) refusals += v;
  return {
    recoveryS: recoveryUs === null ? null : recoveryUs / 1e6,
    connectP50Ms: conn.values[0] ?? null,
    connectP99Ms: conn.values[1] ?? null,
    connectPeakP50Ms: peak.p50,
    connectPeakP99Ms: peak.p99,
    refusals,
    publishP99Ms: pub.values[0] ?? null,
    stormConnects: conn.total,
    stormPublishes: pub.total,
  };
}

/** |predicted − measured| / measured in %, null when either is missing or measured is 0. */
export function errorPercent(predicted: number | null, measured: number | null): number | null {
  if (predicted === null || measured === null) return null;
  if (measured === 0) return predicted === 0 ? 0 : null;
  return ((predicted - measured) / measured) * 100;
}
