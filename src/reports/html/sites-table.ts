// The HTML report's sites section: the worst sites by recovery after a site outage and by connect
// failure ratio (report.json `sites`, bounded to the worst few), with the totals above.
import type { Report } from '../report-types.js';
import type { SiteLine } from '../site-report.js';
import { esc } from './escape.js';
import { formatInteger, formatRatio } from './format.js';
import { formatDurationUs } from '../../metrics/units.js';

function row(l: SiteLine): string {
  const recovery =
    l.notRecovered > 0
      ? `${formatInteger(l.notRecovered)} not back`
      : l.recoveryMaxUs === null
        ? '–'
        : formatDurationUs(l.recoveryMaxUs);
  return [
    `<tr><td class="num">${esc(String(l.site))}</td>`,
    `<td class="num">${esc(formatInteger(l.devices))}</td>`,
    `<td class="num">${esc(formatInteger(l.outages))}</td>`,
    `<td class="num">${esc(formatInteger(l.outageHits))}</td>`,
    `<td class="num">${esc(recovery)}</td>`,
    `<td class="num">${esc(formatInteger(l.connectAttempts))}</td>`,
    `<td class="num">${esc(l.failureRatio === null ? '–' : formatRatio(l.failureRatio))}</td></tr>`,
  ].join('');
}

function table(title: string, lines: readonly SiteLine[]): string {
  if (lines.length === 0) return '';
  return [
    `<h3>${esc(title)}</h3>`,
    '<table class="sites"><thead><tr><th class="num">site</th><th class="num">devices</th><th class="num">outages</th><th class="num">devices hit</th><th class="num">recovery (longest)</th><th class="num">connect attempts</th><th class="num">connect failure ratio</th></tr></thead>',
    `<tbody>${lines.map(row).join('')}</tbody></table>`,
  ].join('');
}

export function renderSitesTables(report: Report): string {
  const s = report.sites;
  if (!s) return '';
  return [
    `<p>${esc(formatInteger(s.sites))} sites, ${esc(formatInteger(s.devices))} devices; ${esc(formatInteger(s.outages))} site outages, ${esc(formatInteger(s.recovered))} fully recovered.</p>`,
    table('Slowest to recover after a site outage', s.slowestRecovery),
    table('Worst connect failure ratio', s.worstByFailure),
  ].join('');
}
