// Run details: scenario, seed, versions, replay command, warnings.
import type { Report } from '../report-types.js';
import { esc } from './escape.js';
import { formatCount, formatInteger, formatVirtualTime } from './format.js';

export function renderReplay(report: Report): string {
  return `<div class="replay"><span class="muted">replay:</span> <code>${esc(report.replay)}</code></div>`;
}

export function renderWarnings(report: Report): string {
  if (report.warnings.length === 0) return '';
  const items = report.warnings.map((w) => `<li>${esc(w)}</li>`).join('');
  return `<section id="warnings" class="warnings"><h2>Warnings (${report.warnings.length})</h2><ul>${items}</ul></section>`;
}

function row(label: string, value: string): string {
  return `<tr><th scope="row">${esc(label)}</th><td>${value}</td></tr>`;
}

function fleetSummary(report: Report): string {
  return report.scenario.fleet
    .map((g) => `${formatCount(g.count)} × ${g.device}${g.firmware === null ? '' : ` @ ${g.firmware}`}`)
    .join(', ');
}

export function renderRunInfo(report: Report): string {
  const s = report.scenario;
  const r = report.run;
  const shard = s.shard === null ? 'none' : `${s.shard.index}/${s.shard.count}`;
  const rows = [
    row(
      'scenario',
      `<strong>${esc(s.name)}</strong>${s.description === '' ? '' : ` <span class="muted">${esc(s.description)}</span>`}`,
    ),
    row(
      'scenario file',
      s.sourcePath === null ? '<span class="muted">in memory</span>' : `<code>${esc(s.sourcePath)}</code>`,
    ),
    row('profile', esc(s.profile ?? 'none')),
    row('seed', `<code>${esc(report.seed)}</code>`),
    row('mode', esc(s.mode)),
    row('fleet', esc(fleetSummary(report))),
    row(
      'duration',
      `${esc(formatVirtualTime(s.durationUs))} (interval ${esc(formatVirtualTime(report.intervalUs))})`,
    ),
    row('shard', esc(shard)),
    row('replay', `<code>${esc(report.replay)}</code>`),
    row(
      'tool',
      `${esc(report.tool.name)} ${esc(report.tool.version)} · report schema v${esc(report.schemaVersion)}`,
    ),
    row('node / platform', `${esc(r.node)} · ${esc(r.platform)}`),
    row('workers', esc(r.workers)),
    row('events processed', esc(formatInteger(r.eventsProcessed))),
    row('wall time', `${esc((r.wallMs / 1000).toFixed(1))} s, started ${esc(r.startedAt)}`),
    row('output', r.outDir === null ? '<span class="muted">none</span>' : `<code>${esc(r.outDir)}</code>`),
  ];
  return `<table class="info"><tbody>${rows.join('')}</tbody></table>`;
}
