// The top of the report: the verdict banner (what a reviewer reads first), key facts, and the
// thresholds table with observed value against limit.
import { failureSentences } from '../failure-sentences.js';
import type { Report, ThresholdResult } from '../report-types.js';
import { esc } from './escape.js';
import { formatCount, formatMetricValue, formatVirtualTime } from './format.js';

const VERDICT_TEXT: Record<Report['verdict'], string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  aborted: 'ABORTED',
  incomplete: 'INCOMPLETE',
};

function thresholdSummary(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0) return 'no thresholds set';
  const failed = thresholds.filter((t) => !t.ok).length;
  return failed === 0
    ? `all ${thresholds.length} thresholds passed`
    : `${failed} of ${thresholds.length} thresholds failed`;
}

/** A verdict with warnings says so in the banner: they may be what the run did not have. */
function warned(report: Report): string {
  const n = report.warnings.length;
  if (n === 0) return '';
  return `<p class="reason"><a href="#warnings">${n} warning${n === 1 ? '' : 's'}</a>: read ${n === 1 ? 'it' : 'them'} before trusting the verdict</p>`;
}

export function renderVerdict(report: Report): string {
  const reached =
    report.reachedUs >= report.scenario.durationUs
      ? `ran ${formatVirtualTime(report.reachedUs)} of virtual time`
      : `reached ${formatVirtualTime(report.reachedUs)} of ${formatVirtualTime(report.scenario.durationUs)}`;
  const reason = report.statusReason === null ? '' : `<p class="reason">${esc(report.statusReason)}</p>`;
  const why = failureSentences(report)
    .map((s) => `<p class="reason failure-words">${esc(s)}</p>`)
    .join('');
  const failed = report.thresholds.filter((t) => !t.ok);
  const failedList =
    failed.length === 0
      ? ''
      : `<ul class="failed-list">${failed
          .map(
            (t) =>
              `<li><code>${esc(t.expr)}</code>: observed ${esc(t.observed === null ? 'no data' : formatThresholdValue(t.expr, t.observed))}</li>`,
          )
          .join('')}</ul>`;
  return [
    `<section class="verdict verdict-${esc(report.verdict)}" role="status" aria-live="polite">`,
    `<div class="verdict-word">${VERDICT_TEXT[report.verdict]}</div>`,
    '<div class="verdict-text">',
    `<p class="headline">${esc(thresholdSummary(report.thresholds))} · run ${esc(report.status)} · ${esc(reached)}</p>`,
    reason,
    why,
    warned(report),
    failedList,
    '</div></section>',
  ].join('');
}

interface Fact {
  label: string;
  value: string;
  tone?: 'bad' | 'good';
}

function rolloutTone(state: NonNullable<Report['rollout']>['state']): Pick<Fact, 'tone'> {
  if (state === 'done') return { tone: 'good' };
  return state === 'aborted' || state === 'paused' ? { tone: 'bad' } : {};
}

/** `devices · of 1,000,000, backend scaled` for a resized fleet (scenario.scaledFrom). */
function devicesLabel(report: Report): string {
  const from = report.scenario.scaledFrom ?? null; // older reports have no such field
  if (from === null) return 'devices';
  return `devices · of ${formatCount(from.devices)}, backend ${from.backend ? 'scaled' : 'as written'}`;
}

function facts(report: Report): Fact[] {
  const c = report.metrics.counters;
  const bricked = c['ota_bricked_total'] ?? 0;
  const rollout = report.rollout;
  const list: Fact[] = [
    { label: devicesLabel(report), value: formatCount(report.devices) },
    { label: 'virtual time', value: formatVirtualTime(report.reachedUs) },
    { label: 'mode', value: report.scenario.mode },
    {
      label: `faults · ${formatCount(report.faults.length)} firings`,
      value: formatCount(new Set(report.faults.map((f) => f.faultId)).size),
    },
  ];
  if (rollout !== null)
    list.push({ label: `rollout ${rollout.version}`, value: rollout.state, ...rolloutTone(rollout.state) });
  list.push({
    label: 'bricked',
    value: formatCount(bricked),
    ...(bricked > 0 ? { tone: 'bad' as const } : {}),
  });
  list.push({
    label: 'device outcomes',
    value: formatCount(report.outcomes.total),
    ...(report.outcomes.total > 0 ? { tone: 'bad' as const } : {}),
  });
  list.push({
    label: 'warnings',
    value: formatCount(report.warnings.length),
    ...(report.warnings.length > 0 ? { tone: 'bad' as const } : {}),
  });
  return list;
}

export function renderFacts(report: Report): string {
  const items = facts(report).map(
    (f) =>
      `<div class="fact${f.tone === undefined ? '' : ` ${f.tone}`}"><div class="fact-value">${esc(f.value)}</div><div class="fact-label">${esc(f.label)}</div></div>`,
  );
  return `<section class="facts" aria-label="Key facts">${items.join('')}</section>`;
}

/** The metric a threshold expression is about: `p99(mqtt_connect_duration_us) < 2s` → `mqtt_connect_duration_us`. */
export function thresholdMetric(expr: string): string {
  const fn = /^\s*[a-z0-9]+\(\s*([^)\s]+)\s*\)/i.exec(expr);
  if (fn?.[1] !== undefined) return fn[1];
  const bare = /^\s*([a-z0-9_]+(?:\{[^}]*\})?)/i.exec(expr);
  return bare?.[1] ?? '';
}

/** Unit-aware formatting; threshold metrics may omit the `_us` suffix (`p99(x_duration)`). */
export function formatThresholdValue(expr: string, value: number | null): string {
  const metric = thresholdMetric(expr);
  const withUnit = /_duration$/.test(metric) ? `${metric}_us` : metric;
  return formatMetricValue(withUnit, value);
}

export function renderThresholds(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0)
    return '<section id="thresholds"><h2>Thresholds</h2><p class="muted">No thresholds were set: the run always passes.</p></section>';
  const rows = thresholds.map((t) => {
    const observed = t.observed === null ? 'no data' : formatThresholdValue(t.expr, t.observed);
    const badge = t.ok ? '<span class="badge pass">PASS</span>' : '<span class="badge fail">FAIL</span>';
    const abort = t.abortOnFail ? ' <span class="tag">abort on fail</span>' : '';
    return [
      `<tr class="${t.ok ? 'ok' : 'bad'}">`,
      `<td>${badge}</td>`,
      `<td><code>${esc(t.expr)}</code>${abort}</td>`,
      `<td class="num" title="${esc(String(t.observed))}">${esc(observed)}</td>`,
      `<td class="num" title="${esc(String(t.limit))}">${esc(formatThresholdValue(t.expr, t.limit))}</td>`,
      `<td>${esc(t.message)}</td>`,
      '</tr>',
    ].join('');
  });
  return [
    '<section id="thresholds"><h2>Thresholds</h2>',
    '<table class="thresholds"><thead><tr><th>result</th><th>threshold</th><th class="num">observed</th><th class="num">limit</th><th>message</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table></section>`,
  ].join('');
}
