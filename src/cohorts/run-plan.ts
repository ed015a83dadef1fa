// The cohort plan of a run: the `compare:` entries plus every dimension a `compare(...)`
// threshold names, and the per-firmware drain factors (`firmware-versions`), as the fleet core
// reads them.
import { versionTable } from '../device/params.js';
import { parseThreshold } from '../metrics/threshold-parse.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { cohortPlan, compareConfigs, type CohortBy, type CohortPlan } from './plan.js';

export function thresholdDimensions(s: ResolvedScenario): CohortBy[] {
  const out: CohortBy[] = [];
  for (const t of s.thresholds) {
    const target = parseThreshold(t.expr).target;
    if (target.kind === 'compare' && !out.includes(target.by)) out.push(target.by);
  }
  return out;
}

export function runCohortPlan(s: ResolvedScenario): CohortPlan | null {
  return cohortPlan(s, compareConfigs(s, thresholdDimensions(s)));
}

/** Drain multiplier per firmware index (versionTable order); null when every version drains alike. */
export function drainFactors(s: ResolvedScenario): Float64Array | null {
  const effects = s.firmwareVersions ?? {};
  const versions = versionTable(s);
  const f = Float64Array.from(versions, (v) => effects[v]?.drainFactor ?? 1);
  return f.every((x) => x === 1) ? null : f;
}
