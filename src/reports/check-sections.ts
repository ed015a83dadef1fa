// The sections of a report.json that only some runs have (commands, ota, sites, cohorts) are
// untrusted input like the rest: `report render` draws them, `report merge` adds them up and
// evaluates `compare(...)` thresholds on them. Each is checked when read back, so a hand-edited
// or truncated one fails with one line naming its field, not a stack trace in a renderer.
import { SUMS_PER_COHORT_STAT } from '../cohorts/plan.js';
import { COHORT_STATS, isCohortBy } from '../cohorts/stats.js';
import type { Checker } from './read-report.js';

type Obj = Record<string, unknown>;

/** The OTA requests section: per device type its protocol, per endpoint role its figures. */
export function checkOta(c: Checker, o: Obj): void {
  c.record(o.protocols, 'ota.protocols', (v, path) => c.str(v, path));
  c.arr(o.endpoints, 'ota.endpoints').forEach((e, i) => {
    const path = `ota.endpoints[${i}]`;
    const row = c.obj(e, path);
    c.str(row.endpoint, `${path}.endpoint`);
    for (const k of ['requests', 'failed', 'ratePerSec', 'peakRatePerSec'] as const)
      c.num(row[k], `${path}.${k}`);
    for (const k of ['p50Us', 'p90Us', 'p99Us'] as const) c.num(row[k], `${path}.${k}`, true);
  });
  if (o.server !== undefined) {
    const server = c.obj(o.server, 'ota.server');
    c.arr(server.endpoints, 'ota.server.endpoints').forEach((e, i) => {
      const path = `ota.server.endpoints[${i}]`;
      const row = c.obj(e, path);
      c.str(row.name, `${path}.name`);
      for (const k of ['requests', 'errors', 'ratePerSec'] as const) c.num(row[k], `${path}.${k}`);
      for (const k of ['p50Us', 'p90Us', 'p99Us'] as const) c.num(row[k], `${path}.${k}`, true);
    });
    if (server.campaign !== null && server.campaign !== undefined)
      c.str(c.obj(server.campaign, 'ota.server.campaign').state, 'ota.server.campaign.state');
    c.record(server.deployments, 'ota.server.deployments', (v, path) => c.obj(v, path));
    c.record(server.transitions, 'ota.server.transitions', (v, path) => c.obj(v, path));
  }
}

/** The commands section (reports of scenarios with operations). */
export function checkCommands(c: Checker, o: Obj): void {
  for (const k of ['sent', 'received', 'repliedOk', 'repliedError', 'unanswered'] as const)
    c.num(o[k], `commands.${k}`);
  for (const k of ['answeredRatio', 'fanoutP50Us', 'fanoutP99Us', 'replyP50Us', 'replyP99Us'] as const)
    c.num(o[k], `commands.${k}`, true);
  c.arr(o.answeredShare, 'commands.answeredShare').forEach((v, i) =>
    c.num(v, `commands.answeredShare[${i}]`, true),
  );
  c.arr(o.operations, 'commands.operations').forEach((v, i) => {
    const op = c.obj(v, `commands.operations[${i}]`);
    c.str(op.name, `commands.operations[${i}].name`);
    c.str(op.command, `commands.operations[${i}].command`);
    for (const k of ['atUs', 'ratePerSec', 'timeoutUs'] as const)
      c.num(op[k], `commands.operations[${i}].${k}`);
    for (const k of ['errors', 'unanswered', 'answered99Us'] as const)
      c.num(op[k], `commands.operations[${i}].${k}`, true);
  });
}

/** A count the renderers print as an integer: finite and not negative. */
function count(c: Checker, v: unknown, path: string): void {
  c.num(v, path);
  if ((v as number) < 0) c.fail(path, 'a number >= 0', v);
}

const SITE_TOTALS = ['sites', 'devices', 'outages', 'recovered', 'notRecovered'] as const;
const SITE_COUNTS = [
  'site',
  'devices',
  'connectAttempts',
  'connectFailures',
  'outages',
  'outageHits',
  'recovered',
  'notRecovered',
] as const;

function checkSiteLines(c: Checker, v: unknown, path: string): void {
  c.arr(v, path).forEach((line, i) => {
    const l = c.obj(line, `${path}[${i}]`);
    for (const k of SITE_COUNTS) count(c, l[k], `${path}[${i}].${k}`);
    c.num(l.failureRatio, `${path}[${i}].failureRatio`, true);
    c.num(l.recoveryMaxUs, `${path}[${i}].recoveryMaxUs`, true);
  });
}

/** The sites section: totals, the worst sites by connect failure ratio and by recovery. */
export function checkSites(c: Checker, o: Obj): void {
  for (const k of SITE_TOTALS) count(c, o[k], `sites.${k}`);
  checkSiteLines(c, o.worstByFailure, 'sites.worstByFailure');
  checkSiteLines(c, o.slowestRecovery, 'sites.slowestRecovery');
}

function checkCohortEntry(c: Checker, v: unknown, path: string): void {
  const e = c.obj(v, path);
  c.str(e.name, `${path}.name`);
  const stats = c.obj(e.stats, `${path}.stats`);
  for (const stat of COHORT_STATS) {
    const p = `${path}.stats.${stat}`;
    const s = c.obj(stats[stat], p);
    count(c, s.n, `${p}.n`);
    c.num(s.mean, `${p}.mean`, true);
    const sums = c.arr(s.sums, `${p}.sums`);
    if (sums.length !== SUMS_PER_COHORT_STAT)
      c.fail(`${p}.sums`, `an array of ${SUMS_PER_COHORT_STAT} sums`, `${sums.length} entries`);
    sums.forEach((x, k) => c.num(x, `${p}.sums[${k}]`));
  }
}

const DIFFERENCE = ['absolute', 'absoluteHalfWidth', 'relative', 'relativeHalfWidth', 'df'] as const;

function checkComparison(c: Checker, v: unknown, path: string): void {
  const o = c.obj(v, path);
  c.oneOf(o.stat, `${path}.stat`, COHORT_STATS);
  c.str(o.cohort, `${path}.cohort`);
  c.str(o.baseline, `${path}.baseline`);
  count(c, o.n, `${path}.n`);
  count(c, o.baselineN, `${path}.baselineN`);
  c.num(o.mean, `${path}.mean`, true);
  c.num(o.baselineMean, `${path}.baselineMean`, true);
  c.str(o.noData, `${path}.noData`, true);
  for (const k of DIFFERENCE) if (o[k] !== undefined) c.num(o[k], `${path}.${k}`, true);
}

/** The cohorts section (`compare:`): per dimension its cohorts' sums and the comparisons. */
export function checkCohorts(c: Checker, o: Obj): void {
  c.arr(o.dimensions, 'cohorts.dimensions').forEach((d, i) => {
    const path = `cohorts.dimensions[${i}]`;
    const dim = c.obj(d, path);
    if (typeof dim.by !== 'string' || !isCohortBy(dim.by))
      c.fail(`${path}.by`, 'one of firmware, device-type, site, tag:<name>', dim.by);
    c.str(dim.baseline, `${path}.baseline`);
    c.arr(dim.cohorts, `${path}.cohorts`).forEach((e, k) => checkCohortEntry(c, e, `${path}.cohorts[${k}]`));
    c.arr(dim.comparisons, `${path}.comparisons`).forEach((x, k) =>
      checkComparison(c, x, `${path}.comparisons[${k}]`),
    );
  });
}
