// Cohort sums → the report's comparison section: each cohort's mean per statistic, and each
// cohort against the baseline with the difference and its 95 % interval (welch.ts). Also the
// observation of a `compare(...)` threshold, which may name any two cohorts.
import type { CohortBy } from '../scenario/types.js';
import { COHORT_STATS, type CohortStat } from './stats.js';
import { SUMS_PER_COHORT_STAT, type CohortPlan } from './plan.js';
import { meanOf, welch, type Difference } from './welch.js';

export interface CohortStatSums {
  /** Devices with a value (a device updated mid-run counts once per version it ran). */
  n: number;
  mean: number | null;
  /** n, Σw, Σy, Σw², Σwy, Σy² (welch.ts): what merges add. */
  sums: number[];
}

export interface CohortEntry {
  name: string;
  stats: Record<CohortStat, CohortStatSums>;
}

export interface CohortComparison extends Partial<Difference> {
  stat: CohortStat;
  cohort: string;
  baseline: string;
  n: number;
  baselineN: number;
  mean: number | null;
  baselineMean: number | null;
  /** Why there is no interval (an empty cohort, a single device); null when there is one. */
  noData: string | null;
}

export interface CohortDimensionReport {
  by: CohortBy;
  baseline: string;
  cohorts: CohortEntry[];
  comparisons: CohortComparison[];
}

export interface CohortsReport {
  dimensions: CohortDimensionReport[];
}

function statSums(sums: number[]): CohortStatSums {
  const m = meanOf(sums);
  return { n: sums[0] ?? 0, mean: m?.mean ?? null, sums };
}

/** Cohort a against cohort b on one statistic. */
export function comparePair(a: CohortEntry, b: CohortEntry, stat: CohortStat): CohortComparison {
  const ma = meanOf(a.stats[stat].sums);
  const mb = meanOf(b.stats[stat].sums);
  const base = {
    stat,
    cohort: a.name,
    baseline: b.name,
    n: a.stats[stat].n,
    baselineN: b.stats[stat].n,
    mean: ma?.mean ?? null,
    baselineMean: mb?.mean ?? null,
  };
  const empty = ma === null ? a.name : mb === null ? b.name : null;
  if (empty !== null) return { ...base, noData: `cohort "${empty}" has no devices with ${stat}` };
  const d = welch(ma as NonNullable<typeof ma>, mb as NonNullable<typeof mb>);
  if (d === null) return { ...base, noData: 'a cohort has a single device: no interval' };
  return { ...base, ...d, noData: null };
}

function dimensionReport(by: CohortBy, baseline: string, cohorts: CohortEntry[]): CohortDimensionReport {
  const base = cohorts.find((c) => c.name === baseline);
  const comparisons: CohortComparison[] = [];
  if (base)
    for (const c of cohorts)
      if (c !== base) for (const stat of COHORT_STATS) comparisons.push(comparePair(c, base, stat));
  return { by, baseline, cohorts, comparisons };
}

/** The report section from a run's summed cohort sums. */
export function cohortsReport(plan: CohortPlan, sums: readonly number[]): CohortsReport {
  const w = SUMS_PER_COHORT_STAT;
  const dimensions = plan.dims.map((dim) => {
    const cohorts = dim.cohorts.map((name, c) => {
      const stats = {} as Record<CohortStat, CohortStatSums>;
      COHORT_STATS.forEach((stat, s) => {
        const at = dim.offset + (c * COHORT_STATS.length + s) * w;
        stats[stat] = statSums(Array.from({ length: w }, (_, k) => sums[at + k] ?? 0));
      });
      return { name, stats };
    });
    return dimensionReport(dim.by, dim.baseline, cohorts);
  });
  return { dimensions };
}

/**
 * Sections of several runs (shards, processes) of one scenario: sums add, comparisons again.
 * Site cohorts are left out: each run numbers its own sites, so site i of one run is not site i
 * of another.
 */
export function mergeCohorts(list: readonly (CohortsReport | undefined)[]): CohortsReport | undefined {
  const present = list.filter((r): r is CohortsReport => r !== undefined);
  const first = present[0];
  if (!first) return undefined;
  const dimensions = first.dimensions.flatMap((dim, i) => {
    if (dim.by === 'site' && present.length > 1) return [];
    const cohorts = dim.cohorts.map((c, k) => {
      const stats = {} as Record<CohortStat, CohortStatSums>;
      for (const stat of COHORT_STATS) {
        const sums = c.stats[stat].sums.map((_, j) =>
          present.reduce((t, r) => t + (r.dimensions[i]?.cohorts[k]?.stats[stat].sums[j] ?? 0), 0),
        );
        stats[stat] = statSums(sums);
      }
      return { name: c.name, stats };
    });
    return [dimensionReport(dim.by, dim.baseline, cohorts)];
  });
  return { dimensions };
}
