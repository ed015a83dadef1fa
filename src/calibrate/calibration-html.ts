// calibration.html: one self-contained page (the report's stylesheet, SVG charts and tooltip
// script from src/reports/html; no second chart code) with, per probe, offered vs served per
// step and the measured p50/p99 against what the fitted model says for that step, then the
// fits and every step as a table.
import { esc } from '../reports/html/escape.js';
import { formatCount, formatDurationUs } from '../reports/html/format.js';
import { COLORS, PERCENTILE_COLORS } from '../reports/html/palette.js';
import { TOOLTIP_SCRIPT } from '../reports/html/script.js';
import { STYLES } from '../reports/html/styles.js';
import { renderLineChart } from '../reports/html/svg/line-chart.js';
import type { ChartSeries, ChartSpec } from '../reports/html/svg/types.js';
import { strippedUrl } from './calibration-yaml.js';
import type { CalibrationResult, ProbeOutcome, StepRecord } from './types.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const TITLES: Record<string, string> = {
  connect: 'Connect rate (CONNACK)',
  'connect-alone': 'Connect rate of one broker by itself (CONNACK)',
  publish: 'QoS 1 publish rate (PUBACK)',
  sessions: 'Sessions held',
  checkin: 'HTTP check-in rate',
  download: 'Firmware downloads (bytes/s by downloads at once)',
};

/** A probe's id in the page: `connect-alone` once per broker (`connect-alone-1`). */
function probeKey(p: ProbeOutcome): string {
  return p.target === undefined ? p.probe : `${p.probe}-${p.target}`;
}

function probeTitle(p: ProbeOutcome): string {
  const title = TITLES[p.probe] ?? p.probe;
  return p.target === undefined ? title : `${title}: broker ${p.target + 1}`;
}

function axis(steps: readonly StepRecord[]): Pick<ChartSpec, 'timesUs' | 'domainUs' | 'markers'> {
  const timesUs = steps.map((s) => (s.startMs + s.durationMs) * 1000);
  const first = (steps[0]?.startMs ?? 0) * 1000;
  return { timesUs, domainUs: [first, Math.max(first + 1, ...timesUs)], markers: [] };
}

function rateChart(p: ProbeOutcome, records: StepRecord[]): string {
  const series: ChartSeries[] = [
    {
      label: p.probe === 'sessions' ? 'asked' : p.probe === 'download' ? 'downloads at once' : 'offered /s',
      color: COLORS.grey,
      values: records.map((s) => s.offered),
      dashed: true,
    },
    {
      label: p.probe === 'sessions' ? 'held' : p.probe === 'download' ? 'bytes/s' : 'served /s',
      color: COLORS.blue,
      values: records.map((s) => s.achieved),
    },
  ];
  return renderLineChart({
    id: `cal-${probeKey(p)}-rate`,
    title: `${probeTitle(p)}: offered vs served per step`,
    ...axis(records),
    series,
    formatY: formatCount,
    yScale: 'auto',
  });
}

function latencyChart(p: ProbeOutcome, records: StepRecord[]): string {
  const pick = (f: (s: StepRecord) => number | null | undefined): (number | null)[] =>
    records.map((s) => f(s) ?? null);
  const series: ChartSeries[] = [
    { label: 'p99 measured', color: PERCENTILE_COLORS.p99, values: pick((s) => s.p99Us) },
    { label: 'p50 measured', color: PERCENTILE_COLORS.p50, values: pick((s) => s.p50Us) },
    {
      label: 'p99 modelled',
      color: PERCENTILE_COLORS.p99,
      values: pick((s) => s.modelled?.p99Us),
      dashed: true,
    },
    {
      label: 'p50 modelled',
      color: PERCENTILE_COLORS.p50,
      values: pick((s) => s.modelled?.p50Us),
      dashed: true,
    },
  ];
  return renderLineChart({
    id: `cal-${probeKey(p)}-latency`,
    title: `${probeTitle(p)}: latency per step, measured vs modelled`,
    ...axis(records),
    series,
    formatY: formatDurationUs,
    yUnit: 'duration',
    yScale: 'auto',
  });
}

function stepsTable(records: readonly StepRecord[]): string {
  const rows = records.map((s) => {
    const m = s.modelled;
    const cells = [
      s.index + 1,
      formatCount(s.offered),
      formatCount(s.achieved),
      s.attempts,
      s.ok,
      s.refused,
      s.errors,
      formatDurationUs(s.p50Us),
      formatDurationUs(s.p99Us),
      m ? formatDurationUs(m.p50Us) : '–',
      m ? formatDurationUs(m.p99Us) : '–',
      s.sendLagP99Us == null ? '–' : formatDurationUs(s.sendLagP99Us),
      s.knee === null ? '' : s.generatorBound === true ? `${s.knee} (load generator behind)` : s.knee,
    ];
    return `<tr>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`;
  });
  const head = [
    'step',
    'offered',
    'served',
    'sent',
    'ok',
    'refused',
    'errors',
    'p50',
    'p99',
    'model p50',
    'model p99',
    'sent late p99',
    'knee',
  ];
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function fitsTable(r: CalibrationResult): string {
  const rows = Object.entries(r.fits).map(([path, f]) => {
    const interval =
      f.bound === 'lower' ? `≥ ${f.value} (no knee: a lower bound)` : `${f.low ?? '–'} .. ${f.high ?? '–'}`;
    return `<tr><td><code>${esc(path)}</code></td><td>${esc(`${f.value}${f.unit === '/s' || f.unit === 'ms' || f.unit === 'B/s' ? ` ${f.unit}` : ''}`)}</td><td>${esc(interval)}</td><td class="small">${esc(f.method)}</td></tr>`;
  });
  return `<table><thead><tr><th>backend field</th><th>fitted</th><th>95 % interval</th><th>how</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function probeSection(p: ProbeOutcome): string {
  const records = p.steps.map((s) => s.record);
  const title = `<h2 id="${esc(probeKey(p))}">${esc(probeTitle(p))}</h2>`;
  if (p.skipped !== undefined && records.length === 0)
    return `${title}<p class="nodata">Not probed: ${esc(p.skipped)}.</p>`;
  const note = `<p class="muted small">Stopped by ${esc(p.stoppedBy)}${p.skipped ? `; ${esc(p.skipped)}` : ''}.</p>`;
  const latency = records.some((s) => s.p99Us !== null) ? latencyChart(p, records) : '';
  return title + note + rateChart(p, records) + latency + stepsTable(records);
}

export function calibrationHtml(r: CalibrationResult, version: string): string {
  const targets = [...r.targets.mqtt, ...(r.targets.http ? [r.targets.http] : [])]
    .map(strippedUrl)
    .join(', ');
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<title>fleetstorm calibration ${esc(r.takenAt)}</title><style>${STYLES}</style></head><body><main>`,
    `<header class="top"><h1>Calibration</h1><span class="brand">fleetstorm ${esc(version)} · ${esc(r.takenAt)} · stopped by ${esc(r.stoppedBy)}</span></header>`,
    `<p>Target: ${esc(targets)}</p>`,
    ...r.notes.map((n) => `<p class="muted">${esc(n)}</p>`),
    '<h2 id="fits">Fitted backend</h2>',
    fitsTable(r),
    ...r.probes.map(probeSection),
    `</main><script>${TOOLTIP_SCRIPT}</script></body></html>`,
  ].join('\n');
}
