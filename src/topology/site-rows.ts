// The per-site tallies of a shard at the end of a run, as flat rows the engines pass to the
// report (src/reports/site-report.ts): one row of SITE_ROW.width numbers per site.
import type { Shard } from '../core/shard.js';
import { SITE_STAT } from './site-stat.js';
import { siteRange } from './site-table.js';

export const SITE_ROW = {
  site: 0,
  devices: 1,
  connectAttempts: 2,
  connectFailures: 3,
  outages: 4,
  outageHits: 5,
  recovered: 6,
  recoveryMaxUs: 7,
  /** Devices online when the site's last outage began and not connected again by the end. */
  notRecovered: 8,
  width: 9,
} as const;

/** Appends the shard's site rows to `out`. */
export function siteRows(sh: Shard, out: number[]): void {
  const table = sh.sites;
  if (table === null) return;
  const st = sh.a.siteStat;
  for (let j = 0; j < sh.siteCount; j++) {
    const site = sh.siteFirst + j;
    const [from, to] = siteRange(table, site, sh.st.shard);
    const i = j * SITE_STAT.width;
    out.push(
      site,
      to - from,
      st[i + SITE_STAT.connectAttempts] as number,
      st[i + SITE_STAT.connectFailures] as number,
      st[i + SITE_STAT.outages] as number,
      st[i + SITE_STAT.outageHits] as number,
      st[i + SITE_STAT.recovered] as number,
      st[i + SITE_STAT.recoveryMaxUs] as number,
      st[i + SITE_STAT.pending] as number,
    );
  }
}
