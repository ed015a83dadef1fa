// Where the sites are: every site is a contiguous run of local indices inside ONE shard (devices
// are dealt round-robin over shards, so a site's global ids step by the shard count). A site's
// downloads, outage and recovery then stay inside one shard between barriers, and the site of a
// device is a binary search over its shard's few site starts: no per-device object. The table
// depends on the fleet size, the shard count (itself a function of the fleet size and the site
// count, never of the worker count) and the seed: the same sites whatever --workers says.
import { MAX_SHARDS, shardCountFor, shardSize } from '../core/shard-layout.js';
import { splitInt } from '../backend-model/share.js';
import { hashUnit } from '../random/rng.js';
import type { SitesConfig } from './types.js';

export interface SiteTable {
  cfg: SitesConfig;
  shards: number;
  /** --shard i/N: this run holds global ids ≡ offset (mod stride). */
  stride: number;
  offset: number;
  /** Sites of this run. */
  total: number;
  /** Per shard (length shards + 1): index of the shard's first site; sites of shard s are first[s]..first[s+1]-1. */
  first: Int32Array;
  /** Per site: its first local index in its shard. */
  start: Int32Array;
  /** Per shard: devices. */
  sizes: Int32Array;
}

const SITE_KEY = 0x5175_0000;

/** Shards of a run with sites: never more than its sites, so every shard holds at least one. */
export function shardCountWithSites(
  devices: number,
  cfg: SitesConfig | null | undefined,
  stride = 1,
  offset = 0,
): number {
  const shards = shardCountFor(devices);
  if (!cfg || cfg.count === null) return shards;
  return Math.max(1, Math.min(shards, splitInt(cfg.count, stride, offset)));
}

function siteStarts(cfg: SitesConfig, n: number, sites: number, seed: number, key: number): number[] {
  const out: number[] = [];
  if (n === 0) return out;
  if (cfg.perSite === null) {
    const k = Math.max(1, Math.min(n, sites));
    for (let j = 0; j < k; j++) out.push(Math.floor((j * n) / k));
    return out;
  }
  const { min, max } = cfg.perSite;
  for (let at = 0, j = 0; at < n; j++) {
    out.push(at);
    at += min + Math.floor(hashUnit(seed, key, j) * (max - min + 1));
    // a remainder too small for a site of its own joins the last one
    if (n - at < min) break;
  }
  return out;
}

export function buildSiteTable(
  cfg: SitesConfig,
  devices: number,
  shards: number,
  seed: number,
  stride = 1,
  offset = 0,
): SiteTable {
  const sizes = new Int32Array(shards);
  const first = new Int32Array(shards + 1);
  const starts: number[] = [];
  const runSites = cfg.count === null ? 0 : splitInt(cfg.count, stride, offset);
  for (let s = 0; s < shards; s++) {
    const n = shardSize(devices, shards, s);
    sizes[s] = n;
    first[s] = starts.length;
    const key = SITE_KEY + offset * MAX_SHARDS + s;
    for (const at of siteStarts(cfg, n, splitInt(runSites, shards, s), seed, key)) starts.push(at);
  }
  first[shards] = starts.length;
  return { cfg, shards, stride, offset, total: starts.length, first, start: Int32Array.from(starts), sizes };
}

/** Site (index in the run) of local device `local` of shard `shard`. */
export function siteOfLocal(t: SiteTable, shard: number, local: number): number {
  let lo = t.first[shard] as number;
  let hi = (t.first[shard + 1] as number) - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((t.start[mid] as number) <= local) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Site of a global device id of this run (for grouping reports by site). */
export function siteOf(t: SiteTable, globalId: number): number {
  const runId = Math.floor((globalId - t.offset) / t.stride);
  return siteOfLocal(t, runId % t.shards, Math.floor(runId / t.shards));
}

/** Shard of site `site`. */
export function shardOfSite(t: SiteTable, site: number): number {
  let lo = 0;
  let hi = t.shards - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((t.first[mid] as number) <= site) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Local index range [from, to) of site `site` in its shard. */
export function siteRange(t: SiteTable, site: number, shard = shardOfSite(t, site)): [number, number] {
  const from = t.start[site] as number;
  const to =
    site + 1 < (t.first[shard + 1] as number) ? (t.start[site + 1] as number) : (t.sizes[shard] as number);
  return [from, to];
}

export function siteDevices(t: SiteTable, site: number): number {
  const [from, to] = siteRange(t, site);
  return to - from;
}

/** Per device of the run (by global id order within the run), its site: for grouping by site. */
export function siteIndexArray(t: SiteTable): Uint32Array {
  let n = 0;
  for (const s of t.sizes) n += s;
  const out = new Uint32Array(n);
  for (let shard = 0; shard < t.shards; shard++) {
    for (let site = t.first[shard] as number; site < (t.first[shard + 1] as number); site++) {
      const [from, to] = siteRange(t, site, shard);
      for (let local = from; local < to; local++) out[local * t.shards + shard] = site;
    }
  }
  return out;
}

interface FaultLike {
  type: string;
  who: { sites?: unknown };
  params: { bandwidthBytesPerSec: number | null };
}

/**
 * Do the sites' downloads share a link: a link bandwidth, or a radio-degrade of sites with a
 * bandwidth (the degraded backhaul is shared even where the scenario gives the link none)?
 */
export function sitesShareLink(cfg: SitesConfig | null | undefined, faults: readonly FaultLike[]): boolean {
  if (!cfg) return false;
  if (cfg.link.bandwidthBytesPerSec !== null) return true;
  return faults.some(
    (f) =>
      f.type === 'radio-degrade' &&
      f.who.sites !== undefined &&
      f.who.sites !== null &&
      f.params.bandwidthBytesPerSec !== null,
  );
}
