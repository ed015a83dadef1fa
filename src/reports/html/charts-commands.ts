// The commands section of report.html: the answered share over time, commands sent and replies
// per interval, and the operations table (`operations` in the scenario).
import type { Report } from '../report-types.js';
import { base, draw, perInterval, type RenderedChart } from './charts.js';
import { esc } from './escape.js';
import { formatCount, formatDurationUs, formatRatio } from './format.js';
import { COLORS } from './palette.js';
import type { TimeMarker } from './svg/types.js';

/** A vertical rule at each operation's start. */
function operationMarkers(report: Report): TimeMarker[] {
  return (report.commands?.operations ?? []).map((o) => ({
    startUs: o.atUs,
    endUs: o.atUs,
    label: o.name,
    detail: `${o.name}: ${o.command} at ${formatCount(o.ratePerSec)}/s`,
    color: COLORS.purple,
    style: 'line',
    legend: 'operation start',
  }));
}

export function answeredShareChart(report: Report): RenderedChart {
  const spec = base(report, 'commands-answered', 'Commands answered');
  return draw(
    {
      ...spec,
      markers: [...spec.markers, ...operationMarkers(report)],
      subtitle: 'Replies received so far per command sent so far (ok or error), at the end of each interval',
      series: [{ label: 'answered', color: COLORS.green, values: report.commands?.answeredShare ?? [] }],
      formatY: formatRatio,
      yUnit: 'ratio',
      yMax: 1,
      reduce: 'last',
    },
    'line',
  );
}

const FLOW: readonly (readonly [string, string, string])[] = [
  ['command_sent_total', 'sent', COLORS.blue],
  ['command_replied_total{result="ok"}', 'replied ok', COLORS.green],
  ['command_replied_total{result="error"}', 'replied error', COLORS.orange],
  ['command_unanswered_total', 'unanswered', COLORS.vermillion],
];

export function commandFlowChart(report: Report): RenderedChart {
  const spec = base(report, 'commands-flow', 'Commands sent and replies');
  return draw(
    {
      ...spec,
      markers: [...spec.markers, ...operationMarkers(report)],
      subtitle: `Commands ${perInterval(report)}`,
      series: FLOW.map(([name, label, color]) => ({
        label,
        color,
        values: report.series.counters[name] ?? [],
      })),
      formatY: formatCount,
    },
    'line',
  );
}

export function renderOperationsTable(report: Report): string {
  const c = report.commands;
  if (!c) return '';
  const dur = (us: number | null): string => (us === null ? '–' : formatDurationUs(us));
  const num = (n: number | null): string => (n === null ? '–' : formatCount(n));
  const rows = c.operations
    .map(
      (o) =>
        `<tr><td>${esc(o.name)}</td><td>${esc(o.command)}</td><td>${dur(o.atUs)}</td>` +
        `<td>${formatCount(o.ratePerSec)}/s</td><td>${dur(o.timeoutUs)}</td>` +
        `<td>${o.answered99Us === null ? 'never' : `after ${dur(o.answered99Us)}`}</td>` +
        `<td>${num(o.errors)}</td><td>${num(o.unanswered)}</td></tr>`,
    )
    .join('');
  const facts =
    `<p>${formatCount(c.sent)} sent, ${formatCount(c.received)} received, ` +
    `${formatCount(c.repliedOk)} ok and ${formatCount(c.repliedError)} error replies, ` +
    `${formatCount(c.unanswered)} unanswered (${formatRatio(c.answeredRatio)} answered). ` +
    `Fan-out p99 ${dur(c.fanoutP99Us)}, reply p99 ${dur(c.replyP99Us)}.</p>`;
  return (
    facts +
    '<table><thead><tr><th>operation</th><th>command</th><th>at</th><th>rate</th><th>timeout</th><th>99% answered</th>' +
    `<th>errors</th><th>unanswered</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}
