// Virtual mode: the downloads at a site share its link. A download's rate is the smaller of its
// own cap (radio, its share of the OTA server at admission) and the site link's bandwidth over the
// site's running downloads; whenever one starts or stops (or the link is degraded or restored),
// every other download at the site is re-rated from that instant: progress so far is kept by
// moving the segment start (bytes = dlBytes + (t - dlSegAt) × dlRate), and its end moves with the
// new rate. Capped downloads leave their unused share unused (no water-filling).
import { OTA_PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { OS } from '../metrics/catalog.js';
import { SITE_STAT } from './site-stat.js';
import { siteRange } from './site-table.js';

const W = SITE_STAT.width;

/** The site link's bandwidth now, bytes/s (Infinity: no shared limit). */
export function siteLinkBytesPerSec(sh: Shard, site: number): number {
  const now = sh.a.siteStat[site * W + SITE_STAT.linkBytesPerSec] as number;
  return now > 0 ? now : (sh.sites?.cfg.link.bandwidthBytesPerSec ?? Infinity);
}

function localSite(sh: Shard, d: number): number {
  const t = sh.sites;
  if (t === null) return 0;
  let lo = t.first[sh.st.shard] as number;
  let hi = lo + sh.siteCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((t.start[mid] as number) <= d) lo = mid;
    else hi = mid - 1;
  }
  return lo - sh.siteFirst;
}

/** Share per download at the site now, in bytes/µs. */
function sharePerUs(sh: Shard, site: number): number {
  const n = Math.max(1, sh.a.siteStat[site * W + SITE_STAT.activeDownloads] as number);
  return siteLinkBytesPerSec(sh, site) / 1e6 / n;
}

/** Device d starts a download at t with its own cap (bytes/µs): returns its rate at the site. */
export function siteDownloadStart(sh: Shard, d: number, t: number, capPerUs: number): number {
  const a = sh.a;
  if (a.dlCap.length === 0) return capPerUs;
  const site = localSite(sh, d);
  const i = site * W + SITE_STAT.activeDownloads;
  a.siteStat[i] = (a.siteStat[i] as number) + 1;
  a.dlCap[d] = capPerUs;
  rerateSite(sh, site, t, d);
  return Math.min(capPerUs, sharePerUs(sh, site));
}

/** Device d's download stops at t (after its bytes were counted): the others at its site speed up. */
export function siteDownloadStop(sh: Shard, d: number, t: number): void {
  const a = sh.a;
  if (a.dlCap.length === 0) return;
  const site = localSite(sh, d);
  const i = site * W + SITE_STAT.activeDownloads;
  a.siteStat[i] = Math.max(0, (a.siteStat[i] as number) - 1);
  rerateSite(sh, site, t, d);
}

/** Re-rates every running download at the site (but `except`) from t. */
export function rerateSite(sh: Shard, site: number, t: number, except: number): void {
  const a = sh.a;
  const table = sh.sites;
  if (a.dlCap.length === 0 || table === null) return;
  const share = sharePerUs(sh, site);
  const size = sh.st.rollout?.sizeBytes ?? 0;
  const [from, to] = siteRange(table, sh.siteFirst + site, sh.st.shard);
  for (let j = from; j < to; j++) {
    if (j === except || a.ota[j] !== OS.downloading) continue;
    const old = a.dlRate[j] as number;
    const rate = Math.min(a.dlCap[j] as number, share);
    if (rate === old || rate <= 0) continue;
    const seg = a.dlSegAt[j] as number;
    if (t > seg) a.dlSegAt[j] = t - ((t - seg) * old) / rate;
    a.dlRate[j] = rate;
    if (a.otaPend[j] !== OTA_PEND.done) continue; // an interruption already drawn keeps its time
    a.otaDue[j] = (a.dlSegAt[j] as number) + (size - (a.dlBytes[j] as number)) / rate;
    sh.reschedule(j);
  }
}
