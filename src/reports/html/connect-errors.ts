// Live reports: the connect failures with their detail (certificate error, CONNACK code), the
// table under the metrics that says which error, where the counters only say which reason.
import type { Report } from '../report-types.js';
import { esc } from './escape.js';
import { formatInteger } from './format.js';

const ROWS = 20;

export function renderConnectErrors(report: Report): string {
  const list = report.live?.connectErrors ?? [];
  if (list.length === 0) return '';
  const rows = list
    .slice(0, ROWS)
    .map(
      (e) =>
        `<tr><td><code>${esc(e.reason)}</code></td><td>${esc(e.detail)}</td><td class="num">${esc(formatInteger(e.count))}</td></tr>`,
    );
  const more =
    list.length > ROWS ? `<p class="muted small">${list.length - ROWS} more in report.json</p>` : '';
  return [
    '<div class="values"><h3>Connect errors (live)</h3>',
    '<table><thead><tr><th>reason</th><th>detail</th><th class="num">count</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>${more}</div>`,
  ].join('');
}
