// Tables: latency summaries, counters, derived values, rollout waves, per-device outcomes.
import { COUNTERS, HISTOGRAMS } from '../../metrics/catalog.js';
import type { DeviceOutcome, Report, WaveReport } from '../report-types.js';
import { esc } from './escape.js';
import {
  formatDurationUs,
  formatInteger,
  formatMetricValue,
  formatRatio,
  formatVirtualTime,
} from './format.js';

const MAX_OUTCOME_ROWS = 50;
const MAX_TRAIL_EVENTS = 10;

/** Catalogue order first (related counters stay together), then anything else alphabetically. */
function ordered(names: readonly string[], catalog: readonly string[]): string[] {
  const known = catalog.filter((n) => names.includes(n));
  const extra = names.filter((n) => !catalog.includes(n)).sort();
  return [...known, ...extra];
}

export function renderHistogramTable(report: Report): string {
  const names = ordered(Object.keys(report.metrics.histograms), HISTOGRAMS);
  if (names.length === 0) return '';
  const rows = names.map((n) => {
    const h = report.metrics.histograms[n];
    if (h === undefined) return '';
    const cells = [h.minUs, h.meanUs, h.p50Us, h.p90Us, h.p99Us, h.p999Us, h.maxUs].map(
      (v) => `<td class="num">${h.count === 0 ? '–' : esc(formatDurationUs(v))}</td>`,
    );
    return `<tr${h.count === 0 ? ' class="zero"' : ''}><td><code>${esc(n)}</code></td><td class="num">${esc(formatInteger(h.count))}</td>${cells.join('')}</tr>`;
  });
  return [
    '<h3>Latency over the whole run</h3>',
    '<table><thead><tr><th>histogram</th><th class="num">count</th><th class="num">min</th><th class="num">mean</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('');
}

function valueTable(title: string, entries: readonly [string, number | null][], zeroNote: string): string {
  const shown = entries.filter(([, v]) => v !== 0);
  const zeros = entries.filter(([, v]) => v === 0).map(([n]) => n);
  const rows = shown.map(
    ([n, v]) =>
      `<tr><td><code>${esc(n)}</code></td><td class="num">${esc(formatMetricValue(n, v))}</td></tr>`,
  );
  const zeroList =
    zeros.length === 0
      ? ''
      : `<details><summary>${zeros.length} ${esc(zeroNote)}</summary><p class="muted small">${zeros.map((z) => `<code>${esc(z)}</code>`).join(' ')}</p></details>`;
  return `<div class="values"><h3>${esc(title)}</h3><table><tbody>${rows.join('')}</tbody></table>${zeroList}</div>`;
}

export function renderCounterTables(report: Report): string {
  const counters = ordered(Object.keys(report.metrics.counters), COUNTERS).map((n): [string, number] => [
    n,
    report.metrics.counters[n] ?? 0,
  ]);
  const derived = Object.entries(report.metrics.derived);
  return `<div class="two-col">${valueTable('Counters (whole run)', counters, 'counters were zero')}${valueTable('Derived', derived, 'derived values were zero')}</div>`;
}

function waveRow(w: WaveReport, target: string): string {
  const done = w.succeeded + w.failed + w.rolledBack + w.bricked;
  const successRatio = done === 0 ? null : w.succeeded / done;
  const plain = (v: number): string => `<td class="num">${esc(formatInteger(v))}</td>`;
  const flagged = (v: number): string =>
    `<td class="num${v > 0 ? ' bad' : ''}">${esc(formatInteger(v))}</td>`;
  const cells = [
    plain(w.targeted),
    plain(w.offered),
    plain(w.succeeded),
    flagged(w.failed),
    flagged(w.rolledBack),
    flagged(w.bricked),
    plain(w.pending),
  ];
  return [
    `<tr><td>${w.index + 1}</td><td>${esc(target)}</td>`,
    `<td class="num">${w.startedAtUs === null ? 'not started' : esc(formatVirtualTime(w.startedAtUs))}</td>`,
    `<td class="num">${w.endedAtUs === null ? '–' : esc(formatVirtualTime(w.endedAtUs))}</td>`,
    cells.join(''),
    `<td class="num">${esc(formatRatio(successRatio))}</td></tr>`,
  ].join('');
}

export function renderWavesTable(report: Report): string {
  const rollout = report.rollout;
  if (rollout === null) return '';
  const targets = report.scenario.rollout?.waves ?? [];
  const rows = rollout.waves.map((w) => {
    const t = targets[w.index];
    const target =
      t === undefined ? '' : t.ratio !== null ? formatRatio(t.ratio) : formatInteger(t.count ?? 0);
    return waveRow(w, target);
  });
  const reason = rollout.stateReason === null ? '' : ` (${esc(rollout.stateReason)})`;
  return [
    `<p>Rollout of <strong>${esc(rollout.version)}</strong>: <span class="state state-${esc(rollout.state)}">${esc(rollout.state)}</span>${reason}</p>`,
    '<table class="waves"><thead><tr><th>wave</th><th>target</th><th class="num">started</th><th class="num">ended</th><th class="num">targeted</th><th class="num">offered</th><th class="num">succeeded</th><th class="num">failed</th><th class="num">rolled back</th><th class="num">bricked</th><th class="num">pending</th><th class="num">success</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('');
}

function trail(o: DeviceOutcome): string {
  const events = o.trail
    .slice(0, MAX_TRAIL_EVENTS)
    .map(
      (e) =>
        `<span class="ev"><span class="muted">${esc(formatVirtualTime(e.atUs))}</span> ${esc(e.event)}</span>`,
    );
  const more =
    o.trail.length > MAX_TRAIL_EVENTS
      ? ` <span class="muted">+${o.trail.length - MAX_TRAIL_EVENTS} more</span>`
      : '';
  return events.join(' → ') + more;
}

export function renderOutcomes(report: Report): string {
  const { total, sample, file } = report.outcomes;
  const what = report.commands
    ? 'failed, rolled back or bricked, or had a command answered with an error or not at all'
    : 'failed, rolled back or bricked';
  if (total === 0) return `<p class="good-note">Every device ended healthy: none ${what}.</p>`;
  const byKind = new Map<string, number>();
  for (const o of sample) byKind.set(o.outcome, (byKind.get(o.outcome) ?? 0) + 1);
  const kinds = [...byKind]
    .map(([k, n]) => `<span class="pill outcome-${esc(k)}">${esc(k)}: ${esc(formatInteger(n))}</span>`)
    .join(' ');
  const rows = sample
    .slice(0, MAX_OUTCOME_ROWS)
    .map(
      (o) =>
        `<tr><td class="num">#${esc(o.device)}</td><td>${esc(o.deviceType)}</td><td><span class="pill outcome-${esc(o.outcome)}">${esc(o.outcome)}</span>${o.operation === undefined ? '' : ` ${esc(o.operation)}`}</td><td class="trail">${trail(o)}</td></tr>`,
    );
  const shown = Math.min(sample.length, MAX_OUTCOME_ROWS);
  const fileNote = file === null ? '' : ` Full list: <code>${esc(file)}</code>.`;
  return [
    `<p><strong>${esc(formatInteger(total))}</strong> devices ended ${what}. Showing ${shown} of them. In the sample: ${kinds}.${fileNote}</p>`,
    '<table class="outcomes"><thead><tr><th class="num">device</th><th>type</th><th>outcome</th><th>what happened</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('');
}
