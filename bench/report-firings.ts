// Report steps against a report with many fault firings (hardening, finding 8: HTML markers
// were quadratic in firings, and 100k firings hung `report render`). Builds the sample 24 h,
// 1M-device report with N timeline entries spread over four faults (two per-device, one timed
// every few minutes, one not in the scenario), then times each renderer in this process.
//   node --import tsx bench/report-firings.ts --firings 1000000
import { performance } from 'node:perf_hooks';
import { renderHtml } from '../src/reports/html/render-html.js';
import { renderJunit } from '../src/reports/junit.js';
import { reportToJson } from '../src/reports/json.js';
import { parseReport } from '../src/reports/read-report.js';
import type { FaultTimelineEntry, Report } from '../src/reports/report-types.js';
import { renderSummary } from '../src/reports/summary-text.js';
import { sampleReport } from '../test/helpers/sample-report.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** N entries: 45% f0 and 45% f1 (per device), 9% f2 (timed), 1% an id the scenario lacks. */
function firings(report: Report, n: number): FaultTimelineEntry[] {
  const span = report.scenario.durationUs;
  const out: FaultTimelineEntry[] = [];
  for (let i = 0; i < n; i++) {
    const r = i % 100;
    const id = r < 45 ? 'f0' : r < 90 ? 'f1' : r < 99 ? 'f2' : 'f9';
    const type = id === 'f0' ? 'radio-drop' : id === 'f1' ? 'power-loss' : 'battery-flat';
    // A multiplicative hash spreads the firings over the day out of order, as merges produce.
    const atUs = Math.floor((((i * 2654435761) >>> 0) / 2 ** 32) * span);
    out.push({ faultId: id, type, atUs, durationUs: 30e6, devicesHit: 1 });
  }
  return out;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: Math.round(performance.now() - t0), value };
}

const n = arg('firings', 1_000_000);
const base = sampleReport();
const report: Report = { ...base, faults: firings(base, n) };
const json = time(() => reportToJson(report));
const read = time(() => parseReport(json.value, 'bench.json'));
const html = time(() => renderHtml(read.value));
const summary = time(() => renderSummary(read.value));
const junit = time(() => renderJunit(read.value));
const row = {
  case: 'report-firings',
  firings: n,
  jsonMs: json.ms,
  readMs: read.ms,
  htmlMs: html.ms,
  summaryMs: summary.ms,
  junitMs: junit.ms,
  totalMs: json.ms + read.ms + html.ms + summary.ms + junit.ms,
  htmlBytes: html.value.length,
  summaryBytes: summary.value.length,
  peakRssMB: Math.round(process.memoryUsage().rss / 1024 / 1024),
};
console.log(JSON.stringify(row));
