// report.json `sites`: the per-site breakdown where it matters, bounded to the worst sites: by
// connect failure ratio, and by recovery after a site outage. Every site is summed into the totals.
import { SITE_ROW } from '../topology/site-rows.js';

/** Sites listed per table (the rest are in the totals only). */
export const WORST_SITES = 10;

export interface SiteLine {
  site: number;
  devices: number;
  connectAttempts: number;
  connectFailures: number;
  /** connectFailures / connectAttempts; null without attempts. */
  failureRatio: number | null;
  outages: number;
  /** Devices the site's outages hit (every device behind the site, each time). */
  outageHits: number;
  recovered: number;
  /** Longest outage start → last of its online devices connected again; null: never recovered. */
  recoveryMaxUs: number | null;
  notRecovered: number;
}

export interface SitesReport {
  sites: number;
  devices: number;
  /** Site outages, how many recovered fully by the end, and devices still not back. */
  outages: number;
  recovered: number;
  notRecovered: number;
  /** The sites with the highest connect failure ratio (at least one failure), worst first. */
  worstByFailure: SiteLine[];
  /** The sites hit by an outage, slowest to recover first (never recovered before any that did). */
  slowestRecovery: SiteLine[];
}

function line(rows: readonly number[], at: number): SiteLine {
  const v = (k: number): number => rows[at + k] as number;
  const attempts = v(SITE_ROW.connectAttempts);
  const failures = v(SITE_ROW.connectFailures);
  const recovered = v(SITE_ROW.recovered);
  return {
    site: v(SITE_ROW.site),
    devices: v(SITE_ROW.devices),
    connectAttempts: attempts,
    connectFailures: failures,
    failureRatio: attempts > 0 ? failures / attempts : null,
    outages: v(SITE_ROW.outages),
    outageHits: v(SITE_ROW.outageHits),
    recovered,
    recoveryMaxUs: recovered > 0 ? v(SITE_ROW.recoveryMaxUs) : null,
    notRecovered: v(SITE_ROW.notRecovered),
  };
}

export function siteReport(rows: readonly number[]): SitesReport {
  const lines: SiteLine[] = [];
  for (let at = 0; at + SITE_ROW.width <= rows.length; at += SITE_ROW.width) lines.push(line(rows, at));
  const bySite = (a: SiteLine, b: SiteLine): number => a.site - b.site;
  const worstByFailure = lines
    .filter((l) => l.connectFailures > 0)
    .sort((a, b) => (b.failureRatio ?? 0) - (a.failureRatio ?? 0) || bySite(a, b))
    .slice(0, WORST_SITES);
  const recoveryKey = (l: SiteLine): number => (l.notRecovered > 0 ? Infinity : (l.recoveryMaxUs ?? 0));
  const slowestRecovery = lines
    .filter((l) => l.outages > 0)
    .sort((a, b) => recoveryKey(b) - recoveryKey(a) || bySite(a, b))
    .slice(0, WORST_SITES);
  return {
    sites: lines.length,
    devices: lines.reduce((n, l) => n + l.devices, 0),
    outages: lines.reduce((n, l) => n + l.outages, 0),
    recovered: lines.reduce((n, l) => n + l.recovered, 0),
    notRecovered: lines.reduce((n, l) => n + l.notRecovered, 0),
    worstByFailure,
    slowestRecovery,
  };
}
