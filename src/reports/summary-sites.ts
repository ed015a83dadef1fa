// The sites section of the text summary: totals, site outages and their recovery, and the worst
// sites (by connect failure ratio, by recovery) — a few lines, whatever the number of sites.
import { formatCount, formatDurationUs, formatRatio } from '../metrics/units.js';
import type { Report } from './report-types.js';
import type { SiteLine } from './site-report.js';

const SHOWN = 3;

const siteName = (l: SiteLine): string => `site ${l.site} (${formatCount(l.devices)} devices)`;

function recoveryText(l: SiteLine): string {
  if (l.notRecovered > 0) return `${formatCount(l.notRecovered)} devices not back`;
  return l.recoveryMaxUs === null ? 'no device online to recover' : formatDurationUs(l.recoveryMaxUs);
}

export function siteLines(r: Report): string[] {
  const s = r.sites;
  if (!s) return [];
  const lines = [
    `sites: ${formatCount(s.sites)} sites, ${formatCount(s.devices)} devices; ` +
      `${formatCount(s.outages)} site outages, ${formatCount(s.recovered)} fully recovered` +
      (s.notRecovered > 0 ? `, ${formatCount(s.notRecovered)} devices not back by the end` : ''),
  ];
  const slow = s.slowestRecovery.slice(0, SHOWN);
  if (slow.length > 0)
    lines.push(`  slowest recovery: ${slow.map((l) => `${siteName(l)} ${recoveryText(l)}`).join('; ')}`);
  const worst = s.worstByFailure.slice(0, SHOWN);
  if (worst.length > 0)
    lines.push(
      `  worst connect failure ratio: ${worst
        .map((l) => `${siteName(l)} ${formatRatio(l.failureRatio ?? 0)}`)
        .join('; ')}`,
    );
  return lines;
}
