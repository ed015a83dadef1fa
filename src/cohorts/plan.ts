// Which cohorts a run compares (`compare:` and the `compare(...)` thresholds), as numbers the
// fleet core reads: per dimension, the cohort names and each fleet group's cohort. Firmware
// cohorts follow the device's running version (a.fw) over time instead of its group.
import type { CohortBy, CompareConfig, ResolvedScenario } from '../scenario/types.js';
import { typeOrder, versionTable } from '../device/params.js';
import { shardSize } from '../core/shard-layout.js';
import { buildSiteTable, shardCountWithSites, type SiteTable } from '../topology/site-table.js';

export { COHORT_STATS, STAT, isCohortBy, isCohortStat, type CohortStat } from './stats.js';
import { COHORT_STATS } from './stats.js';

export type { CohortBy, CompareConfig } from '../scenario/types.js';

export interface CohortDimension {
  by: CohortBy;
  cohorts: string[];
  baseline: string;
  /** Cohort index of each fleet group (-1: in none); empty for firmware (it follows a.fw) and site. */
  groupCohort: number[];
  /** Where this dimension's sums start in a shard's sums array. */
  offset: number;
}

/** More sites than this are too many to set side by side (a ToolError at load). */
export const MAX_SITE_COHORTS = 200;

/** The run's sites as src/app/fleet-setup.ts lays them out (null without `sites`). */
export function runSiteTable(s: ResolvedScenario): SiteTable | null {
  if (!s.sites) return null;
  const stride = s.shard?.count ?? 1;
  const offset = s.shard?.index ?? 0;
  const devices = shardSize(
    s.fleet.reduce((n, g) => n + g.count, 0),
    stride,
    offset,
  );
  const shards = shardCountWithSites(devices, s.sites, stride, offset);
  return buildSiteTable(s.sites, devices, shards, s.seed, stride, offset);
}

export interface CohortPlan {
  dims: CohortDimension[];
  /** The run's sites, for `by: site` (null without it). */
  sites: SiteTable | null;
  /** Global id just past each fleet group. */
  groupEnds: number[];
  /** Length of one shard's sums array. */
  sumsLength: number;
}

/** The cohort names of a dimension, and each group's cohort. */
export function cohortsOf(s: ResolvedScenario, by: CohortBy): { cohorts: string[]; groupCohort: number[] } {
  if (by === 'firmware') return { cohorts: versionTable(s), groupCohort: [] };
  if (by === 'device-type') {
    const types = typeOrder(s);
    return { cohorts: types, groupCohort: s.fleet.map((g) => types.indexOf(g.device)) };
  }
  if (by === 'site') {
    const table = runSiteTable(s);
    const n = Math.min(table?.total ?? 0, MAX_SITE_COHORTS + 1);
    return { cohorts: Array.from({ length: n }, (_, i) => String(i)), groupCohort: [] };
  }
  const tag = by.slice('tag:'.length);
  const cohorts: string[] = [];
  for (const g of s.fleet) {
    const v = g.tags?.[tag];
    if (v !== undefined && !cohorts.includes(v)) cohorts.push(v);
  }
  return { cohorts, groupCohort: s.fleet.map((g) => cohorts.indexOf(g.tags?.[tag] ?? '\u0000')) };
}

/** Dimensions named by `compare:`, then those only a `compare(...)` threshold names. */
export function compareConfigs(s: ResolvedScenario, thresholdDims: readonly CohortBy[]): CompareConfig[] {
  const out: CompareConfig[] = [...(s.compare ?? [])];
  for (const by of thresholdDims) if (!out.some((c) => c.by === by)) out.push({ by, baseline: null });
  return out;
}

export const SUMS_PER_COHORT_STAT = 6;

/** The run's cohort plan; null when nothing is compared (no per-device slots then). */
export function cohortPlan(s: ResolvedScenario, configs: readonly CompareConfig[]): CohortPlan | null {
  if (configs.length === 0) return null;
  let offset = 0;
  const dims = configs.map((c) => {
    const { cohorts, groupCohort } = cohortsOf(s, c.by);
    const dim: CohortDimension = {
      by: c.by,
      cohorts,
      baseline: c.baseline ?? cohorts[0] ?? '',
      groupCohort,
      offset,
    };
    offset += cohorts.length * COHORT_STATS.length * SUMS_PER_COHORT_STAT;
    return dim;
  });
  const groupEnds: number[] = [];
  let end = 0;
  for (const g of s.fleet) groupEnds.push((end += g.count));
  const sites = dims.some((d) => d.by === 'site') ? runSiteTable(s) : null;
  return { dims, sites, groupEnds, sumsLength: offset };
}

/** Where a cohort's sums of one statistic start. */
export function sumsAt(dim: CohortDimension, cohort: number, stat: number): number {
  return dim.offset + (cohort * COHORT_STATS.length + stat) * SUMS_PER_COHORT_STAT;
}

export function groupOf(plan: CohortPlan, gid: number): number {
  const ends = plan.groupEnds;
  for (let g = 0; g < ends.length; g++) if (gid < (ends[g] as number)) return g;
  return ends.length - 1;
}
