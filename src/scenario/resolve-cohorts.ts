// `compare:`, `firmware-versions` and the fleet groups' `tags` → the resolved scenario's cohort
// fields, present only when the scenario uses them (older reports and plain scenarios stay as
// they were). Cohorts a comparison or a `compare(...)` threshold names must exist: a typo would
// otherwise be an empty cohort, a comparison that can never be made.
import { ToolError } from '../errors/tool-error.js';
import { parseThreshold } from '../metrics/threshold-parse.js';
import { cohortsOf, MAX_SITE_COHORTS } from '../cohorts/plan.js';
import type { ScenarioParsed } from './schema.js';
import type { CohortBy, CompareConfig, FirmwareVersionConfig, ResolvedScenario } from './types.js';

type At = (path: string) => string;

export function resolveCohortFields(
  p: ScenarioParsed,
): Pick<ResolvedScenario, 'compare' | 'firmwareVersions'> {
  const compare: CompareConfig[] = p.compare.map((c) => ({
    by: c.by as CohortBy,
    baseline: c.baseline ?? null,
  }));
  const versions: Record<string, FirmwareVersionConfig> = {};
  for (const [v, cfg] of Object.entries(p['firmware-versions'] ?? {}))
    versions[v] = { drainFactor: cfg['drain-factor'] };
  return {
    ...(compare.length > 0 ? { compare } : {}),
    ...(Object.keys(versions).length > 0 ? { firmwareVersions: versions } : {}),
  };
}

function unknownCohort(where: string, by: CohortBy, name: string, known: string[]): ToolError {
  const what = by === 'site' ? 'the scenario has no sites' : `no device is in cohort "${name}" of ${by}`;
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', what, {
    where,
    got: name,
    fix:
      known.length > 0
        ? `use one of ${known.map((k) => `"${k}"`).join(', ')}`
        : by.startsWith('tag:')
          ? `give a fleet group \`tags: { ${by.slice(4)}: <value> }\``
          : 'add `sites:` to the scenario or compare by firmware, device-type or tag:<name>',
  });
}

/** Every cohort a comparison or threshold names exists in the fleet. */
export function checkCohorts(s: ResolvedScenario, at: At): void {
  (s.compare ?? []).forEach((c, i) => {
    const { cohorts } = cohortsOf(s, c.by);
    const where = at(`compare[${i}]`);
    if (cohorts.length === 0) throw unknownCohort(`${where}.by`, c.by, c.by, []);
    if (c.by === 'site' && cohorts.length > MAX_SITE_COHORTS)
      throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', `too many sites to compare side by side`, {
        where: `${where}.by`,
        got: `more than ${MAX_SITE_COHORTS} sites`,
        fix: `compare by site with at most ${MAX_SITE_COHORTS} sites, or tag the groups and compare by tag:<name>`,
      });
    if (c.baseline !== null && !cohorts.includes(c.baseline))
      throw unknownCohort(`${where}.baseline`, c.by, c.baseline, cohorts);
  });
  s.thresholds.forEach((t, i) => {
    const target = parseThreshold(t.expr).target;
    if (target.kind !== 'compare') return;
    const { cohorts } = cohortsOf(s, target.by);
    for (const name of [target.cohort, target.baseline])
      if (!cohorts.includes(name)) throw unknownCohort(at(`thresholds[${i}]`), target.by, name, cohorts);
  });
}
