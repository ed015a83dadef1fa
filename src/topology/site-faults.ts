// Faults that select whole sites (`who.sites`): the draw is per site (a stateless hash of seed,
// occurrence and site, or exactly N sites of the run), and a site outage has ONE length for the
// site, so every device behind it drops and comes back together. With a gateway, a power-loss
// of the site is the gateway's: its devices lose their link, not their power. A radio-degrade of
// the site lowers its shared link (every download there shares the degraded bandwidth).
import type { Shard } from '../core/shard.js';
import { drainTo } from '../device/power.js';
import { radioDrop } from '../device/ota.js';
import type { TypeParams } from '../device/params.js';
import { hitDevice } from '../faults/apply-timed.js';
import type { Occurrence } from '../faults/plan.js';
import { matches, occurrenceKey } from '../faults/select.js';
import { CS, H } from '../metrics/catalog.js';
import { countThreshold } from '../random/count-select.js';
import { hash32, hashUnit } from '../random/rng.js';
import { rerateSite } from './site-link.js';
import { SITE_STAT } from './site-stat.js';
import { siteOfLocal, siteRange } from './site-table.js';

const SITE_SALT = 0x5173_0000;
const LENGTH_SALT = 0x5174_0000;
const W = SITE_STAT.width;

/** Local site index (0 .. siteCount-1) of device d of the shard. */
export function siteOfDevice(sh: Shard, d: number): number {
  return sh.sites === null ? 0 : siteOfLocal(sh.sites, sh.st.shard, d) - sh.siteFirst;
}

function siteCut(sh: Shard, occ: Occurrence): number {
  const w = occ.fault.who.sites;
  if (w === null) return 1;
  if (occ.threshold !== undefined) return occ.threshold;
  const total = sh.sites?.total ?? 0;
  // A share of the sites is that many sites exactly (rounded, at least one): a few sites drawn
  // one by one would often be none at all.
  const ratio = w.ratio ?? 1;
  const count = w.count ?? Math.max(ratio > 0 ? 1 : 0, Math.round(ratio * total));
  const key = (occurrenceKey(occ) + SITE_SALT) >>> 0;
  const seed = sh.st.seed;
  occ.threshold = countThreshold(total, count, (g) => hash32(seed, key, g));
  return occ.threshold;
}

/** Is site `site` (index in the run) chosen by the occurrence? The same on every shard and thread. */
export function siteDrawn(sh: Shard, site: number, occ: Occurrence): boolean {
  return hashUnit(sh.st.seed, (occurrenceKey(occ) + SITE_SALT) >>> 0, site) < siteCut(sh, occ);
}

function siteLengthUs(sh: Shard, site: number, occ: Occurrence): number {
  const { durMinUs, durMaxUs } = occ.fault;
  const u = hashUnit(sh.st.seed, (occurrenceKey(occ) + LENGTH_SALT) >>> 0, site);
  return durMinUs + u * (durMaxUs - durMinUs);
}

function inState(sh: Shard, d: number, occ: Occurrence): boolean {
  const { conn, ota } = occ.fault.who;
  if (conn === null || ota === null) return true;
  return conn[sh.a.conn[d] as number] === true || ota[sh.a.ota[d] as number] === true;
}

const online = (c: number): boolean => c === CS.connected || c === CS.sleeping || c === CS.connecting;

/** A timed occurrence selecting sites starts at t: every matching device of each chosen site is hit. */
export function applySiteStart(sh: Shard, occ: Occurrence, t: number): void {
  const table = sh.sites;
  if (table === null) return;
  const type = occ.fault.type;
  const outage = type === 'radio-drop' || type === 'power-loss';
  const viaGateway = type === 'power-loss' && table.cfg.gateway;
  const a = sh.a;
  let hits = 0;
  for (let j = 0; j < sh.siteCount; j++) {
    const site = sh.siteFirst + j;
    if (!siteDrawn(sh, site, occ)) continue;
    const lengthUs = siteLengthUs(sh, site, occ);
    const [from, to] = siteRange(table, site, sh.st.shard);
    const i = j * W;
    let siteHits = 0;
    for (let d = from; d < to; d++) {
      if (!matches(sh, d, occ.fault) || !inState(sh, d, occ)) continue;
      const tp = sh.st.types[a.type[d] as number] as TypeParams;
      if (!drainTo(sh, d, t, tp)) {
        sh.reschedule(d);
        continue;
      }
      const c = a.conn[d] as number;
      if (outage && online(c) && a.siteMark[d] === 0) {
        a.siteMark[d] = 1;
        a.siteStat[i + SITE_STAT.pending] = (a.siteStat[i + SITE_STAT.pending] as number) + 1;
      }
      let hit: boolean;
      if (viaGateway) {
        hit = c !== CS.bricked && c !== CS.dark;
        if (hit) radioDrop(sh, d, t, lengthUs, tp);
      } else hit = hitDevice(sh, d, occ, t, tp, lengthUs);
      if (hit) siteHits++;
      sh.reschedule(d);
    }
    if (outage) {
      a.siteStat[i + SITE_STAT.outages] = (a.siteStat[i + SITE_STAT.outages] as number) + 1;
      a.siteStat[i + SITE_STAT.outageHits] = (a.siteStat[i + SITE_STAT.outageHits] as number) + siteHits;
      a.siteStat[i + SITE_STAT.outageAtUs] = t;
    }
    const bw = occ.fault.params.bandwidthBytesPerSec;
    if (type === 'radio-degrade' && bw !== null) {
      const link = table.cfg.link.bandwidthBytesPerSec ?? Infinity;
      a.siteStat[i + SITE_STAT.linkBytesPerSec] = Math.min(link, bw);
      rerateSite(sh, j, t, -1);
    }
    hits += siteHits;
  }
  sh.rec.add(occ.fault.counter, hits);
  sh.faultHits[occ.fault.index] = (sh.faultHits[occ.fault.index] as number) + hits;
}

/** A radio-degrade of sites ends: their links are back to the configured bandwidth. */
export function siteDegradeEnd(sh: Shard, occ: Occurrence, t: number): void {
  for (let j = 0; j < sh.siteCount; j++) {
    if (!siteDrawn(sh, sh.siteFirst + j, occ)) continue;
    sh.a.siteStat[j * W + SITE_STAT.linkBytesPerSec] = 0;
    rerateSite(sh, j, t, -1);
  }
}

/** A connect attempt of device d resolved at t: per-site tallies, and a site outage's recovery. */
export function siteConnectOutcome(sh: Shard, d: number, t: number, ok: boolean): void {
  const a = sh.a;
  const i = siteOfDevice(sh, d) * W;
  a.siteStat[i + SITE_STAT.connectAttempts] = (a.siteStat[i + SITE_STAT.connectAttempts] as number) + 1;
  if (!ok) {
    a.siteStat[i + SITE_STAT.connectFailures] = (a.siteStat[i + SITE_STAT.connectFailures] as number) + 1;
    return;
  }
  if (a.siteMark[d] === 0) return;
  a.siteMark[d] = 0;
  const pending = (a.siteStat[i + SITE_STAT.pending] as number) - 1;
  a.siteStat[i + SITE_STAT.pending] = pending;
  if (pending > 0) return;
  const recoveryUs = t - (a.siteStat[i + SITE_STAT.outageAtUs] as number);
  a.siteStat[i + SITE_STAT.recovered] = (a.siteStat[i + SITE_STAT.recovered] as number) + 1;
  a.siteStat[i + SITE_STAT.recoveryMaxUs] = Math.max(
    a.siteStat[i + SITE_STAT.recoveryMaxUs] as number,
    recoveryUs,
  );
  sh.rec.record(H.site_recovery_duration_us, recoveryUs);
}
