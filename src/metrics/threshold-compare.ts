// `compare(<statistic>, <by>="<cohort>", <by>="<baseline>") < 5%`: a cohort comparison as a
// threshold (src/cohorts). The observed value is the relative difference of the cohort's mean
// over the baseline's, and the gate reads the side of its 95 % interval that could fail it:
// `<` and `<=` compare the upper bound, `>` and `>=` the lower bound, so a threshold passes only
// when the whole interval is on its passing side (too few devices to tell is not a pass).
import { ToolError } from '../errors/tool-error.js';
import { COHORT_STATS, isCohortBy, isCohortStat, type CohortStat } from '../cohorts/stats.js';
import type { CohortBy } from '../scenario/types.js';

export interface CompareTarget {
  kind: 'compare';
  stat: CohortStat;
  by: CohortBy;
  cohort: string;
  baseline: string;
}

const COMPARE = /^compare\s*\((.*)\)$/s;
const EXAMPLE = 'compare(battery_drain_per_day, firmware="2.1.0", firmware="2.0.3") < 5%';

export function isCompareExpr(lhs: string): boolean {
  return /^compare\s*\(/.test(lhs);
}

function fail(expr: string, message: string, got: string, fix = `write e.g. ${EXAMPLE}`): never {
  throw new ToolError('FLEETSTORM_ERR_THRESHOLD', message, { where: `threshold "${expr}"`, got, fix });
}

/** Splits at commas outside quotes. */
function args(text: string): string[] {
  const out: string[] = [];
  let quote = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ',') {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(text.slice(from).trim());
  return out;
}

const COHORT_ARG = /^([a-z][a-z0-9_:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))$/i;

function cohortArg(expr: string, text: string): { by: CohortBy; name: string } {
  const m = COHORT_ARG.exec(text);
  const by = (m?.[1] ?? '').replace(/^device_type$/, 'device-type');
  const name = m?.[2] ?? m?.[3] ?? m?.[4] ?? '';
  if (!m || !isCohortBy(by) || name === '')
    fail(
      expr,
      `cannot read the cohort "${text}"`,
      text,
      'name it as firmware="2.1.0", device-type="sensor", site="3" or tag:batch="b2"',
    );
  return { by, name };
}

export function parseCompare(expr: string, lhs: string, op: string): CompareTarget {
  const inner = COMPARE.exec(lhs)?.[1];
  if (inner === undefined) return fail(expr, 'cannot read the comparison', lhs);
  const parts = args(inner);
  if (parts.length !== 3) fail(expr, 'compare(...) takes a statistic and two cohorts', lhs);
  const stat = parts[0] as string;
  if (!isCohortStat(stat))
    fail(expr, `unknown cohort statistic "${stat}"`, stat, `use one of ${COHORT_STATS.join(', ')}`);
  const a = cohortArg(expr, parts[1] as string);
  const b = cohortArg(expr, parts[2] as string);
  if (a.by !== b.by) fail(expr, `both cohorts must be of one kind (got ${a.by} and ${b.by})`, lhs);
  if (a.name === b.name) fail(expr, 'a cohort compared with itself', lhs);
  if (op === '==' || op === '!=')
    fail(expr, `compare(...) takes <, <=, > or >= (an interval is never exactly ${op} a limit)`, op);
  return { kind: 'compare', stat, by: a.by, cohort: a.name, baseline: b.name };
}
