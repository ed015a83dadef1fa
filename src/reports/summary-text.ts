// summary.txt and the terminal summary: plain text, no colour codes, locale-independent numbers.
// With `ascii` the only non-ASCII characters (the threshold marks) become PASS / FAIL.
import { HISTOGRAMS } from '../metrics/catalog.js';
import { COUNTER_FAMILIES } from '../metrics/names.js';
import { formatBytes, formatCount, formatDurationUs, formatRatio } from '../metrics/units.js';
import type { Report } from './report-types.js';
import { connectErrorLines, failureSentences } from './failure-sentences.js';
import { faultLines, rolloutLines } from './summary-sections.js';
import { table } from './text-table.js';
import { commandLines, outcomeKinds } from './summary-commands.js';
import { otaLines } from './summary-ota.js';
import { telemetryLines } from './summary-telemetry.js';
import { lifecycleLines } from './summary-lifecycle.js';
import { calibrationLines } from './backend-calibration.js';
import { siteLines } from './summary-sites.js';
import { cohortLines } from './cohorts-report.js';

export interface SummaryOptions {
  /** Replace the ✓ / ✗ marks with PASS / FAIL. */
  ascii?: boolean;
}

function header(r: Report): string[] {
  const s = r.scenario;
  const shard = s.shard ? `, shard ${s.shard.index}/${s.shard.count}` : '';
  const reason = r.statusReason ? ` (${r.statusReason})` : '';
  return [
    `fleetstorm ${r.tool.version}  scenario ${s.name}  seed ${r.seed}  mode ${s.mode}${shard}`,
    `verdict: ${r.verdict.toUpperCase()}${ungated(r)}`,
    `run: ${r.status}${reason}, reached ${formatDurationUs(r.reachedUs)} of ${formatDurationUs(s.durationUs)}`,
    `devices: ${formatCount(r.devices)}${scaledNote(s)}`,
  ];
}

/** A pass with no thresholds gated nothing: say so where the verdict is read. */
function ungated(r: Report): string {
  return r.verdict === 'passed' && r.thresholds.length === 0 ? ' (no thresholds set: nothing was gated)' : '';
}

/** `(scenario: 1,000,000, backend scaled ×0.05)` after the device count of a resized run. */
function scaledNote(s: Report['scenario']): string {
  const from = s.scaledFrom ?? null; // reports written before the field existed have none
  if (from === null) return '';
  const devices = s.fleet.reduce((n, g) => n + g.count, 0);
  const backend = from.backend
    ? `, backend scaled ×${Math.round((devices / from.devices) * 1e4) / 1e4}`
    : ', backend as written';
  return `  (scenario: ${formatCount(from.devices)}${backend})`;
}

function counterValue(family: string, v: number): string {
  return family.includes('_bytes_') ? formatBytes(v) : formatCount(v);
}

function counterLines(r: Report): string[] {
  const rows: string[][] = [];
  for (const [family, names] of COUNTER_FAMILIES) {
    const values = names.map((n) => r.metrics.counters[n] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    const parts = names
      .map((n, i) => ({
        label: n.slice(family.length + 1, -1).replace(/^\w+="(.*)"$/, '$1'),
        v: values[i] ?? 0,
      }))
      .filter((p) => p.v !== 0 && p.label !== '')
      .map((p) => `${p.label} ${counterValue(family, p.v)}`);
    rows.push([family, counterValue(family, total), parts.length > 0 ? `(${parts.join(', ')})` : '']);
  }
  return rows.length === 0
    ? ['counters: none recorded']
    : ['counters', ...table(rows, '  ', ['left', 'right', 'left'])];
}

function latencyLines(r: Report): string[] {
  const rows = [['latency', 'count', 'p50', 'p90', 'p99', 'max']];
  for (const name of HISTOGRAMS) {
    const h = r.metrics.histograms[name];
    if (!h || h.count === 0) continue;
    const d = formatDurationUs;
    rows.push([name, formatCount(h.count), d(h.p50Us), d(h.p90Us), d(h.p99Us), d(h.maxUs)]);
  }
  return rows.length === 1 ? ['latency: no values recorded'] : table(rows, '');
}

function derivedValue(name: string, v: number | null): string {
  if (v === null) return 'n/a';
  if (name.endsWith('_ratio')) return formatRatio(v);
  return name.endsWith('_us') ? formatDurationUs(v) : formatCount(v);
}

function derivedLines(r: Report): string[] {
  const rows = Object.entries(r.metrics.derived).map(([name, v]) => [name, derivedValue(name, v)]);
  return rows.length === 0 ? [] : ['derived', ...table(rows)];
}

function thresholdLines(r: Report, ascii: boolean): string[] {
  if (r.thresholds.length === 0) return ['thresholds: none'];
  const passed = r.thresholds.filter((t) => t.ok).length;
  const mark = (ok: boolean): string => (ascii ? (ok ? 'PASS' : 'FAIL') : ok ? '✓' : '✗');
  return [
    `thresholds: ${passed}/${r.thresholds.length} passed`,
    ...r.thresholds.map((t) => `  ${mark(t.ok)} ${t.message}${t.abortOnFail ? ' [abort]' : ''}`),
  ];
}

/** Right under the header: what the run did not have is read before any number. */
function warningLines(r: Report): string[] {
  const n = r.warnings.length;
  return n === 0 ? [] : [`warnings (${n})`, ...r.warnings.map((w) => `  - ${w}`)];
}

function outcomeLines(r: Report): string[] {
  if (r.outcomes.total === 0) return [];
  const file = r.outcomes.file ? `, details in ${r.outcomes.file}` : '';
  return [`device outcomes: ${formatCount(r.outcomes.total)} ${outcomeKinds(r)}${file}`];
}

/** The summary block, sections separated by blank lines, ending with the replay line. */
export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const sections = [
    header(report),
    calibrationLines(report),
    warningLines(report),
    failureSentences(report).map((s) => `failures: ${s}`),
    counterLines(report),
    connectErrorLines(report),
    latencyLines(report),
    derivedLines(report),
    rolloutLines(report),
    otaLines(report),
    commandLines(report),
    telemetryLines(report),
    lifecycleLines(report),
    siteLines(report),
    cohortLines(report),
    faultLines(report),
    outcomeLines(report),
    thresholdLines(report, options.ascii === true),
    [`replay: ${report.replay}`],
  ];
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
