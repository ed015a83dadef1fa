// `fleetstorm report merge`: combines the reports of the shards of one scenario run (`--shard
// i/N` on several machines) into the report of the whole fleet. Exact: histograms merge from
// their HDR encodings, counts add, and thresholds are evaluated again on the merged metrics.
import { CONN_STATES, COUNTERS, HISTOGRAMS, OTA_STATES } from '../metrics/catalog.js';
import { evaluateThresholds } from '../metrics/thresholds.js';
import { mergeCohorts } from '../cohorts/compare.js';
import { ToolError } from '../errors/tool-error.js';
import { mergeLive } from './connect-errors.js';
import { mergeMetrics } from './merge-metrics.js';
import {
  mergeFaults,
  mergeOutcomes,
  mergeRollout,
  mergeRun,
  mergeStatus,
  mergeWarnings,
} from './merge-parts.js';
import { mergeSeries } from './merge-series.js';
import { commandsField, mergeCommands } from './commands-report.js';
import { otaField, otaReport } from './ota-report.js';
import type { Report } from './report-types.js';
import { runWarnings } from './run-warnings.js';
import { verdictOf } from './verdict.js';

/** Scenario fields that may differ between shards of one run. */
const PER_SHARD_FIELDS = new Set(['shard', 'sourcePath', 'workers']);

function inputError(message: string, where: string, got?: unknown): ToolError {
  return new ToolError('FLEETSTORM_ERR_REPORT_INPUT', message, {
    where,
    ...(got === undefined ? {} : { got }),
    fix: 'merge only the shard reports of one scenario run, written by the same fleetstorm version',
  });
}

/** Path of the first field where two JSON values differ, or null when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? null : path || '(value)';
  }
  if (Array.isArray(a) !== Array.isArray(b)) return path || '(value)';
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const sub = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub);
    if (d !== null) return d;
  }
  return null;
}

function comparable(scenario: Report['scenario']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(scenario).filter(([k]) => !PER_SHARD_FIELDS.has(k)));
}

function label(r: Report, i: number): string {
  const s = r.scenario.shard;
  return s ? `shard ${s.index}/${s.count}` : `report ${i + 1}`;
}

function checkCompatible(reports: readonly Report[], labels: string[]): void {
  const first = reports[0] as Report;
  const base = comparable(first.scenario);
  reports.forEach((r, i) => {
    const where = labels[i] as string;
    if (r.schemaVersion !== first.schemaVersion) {
      throw inputError(
        `schema version ${r.schemaVersion} differs from ${first.schemaVersion}`,
        where,
        r.schemaVersion,
      );
    }
    const diff = firstDifference(base, comparable(r.scenario), 'scenario');
    if (diff !== null) throw inputError(`a different scenario: ${diff} differs from ${labels[0]}`, where);
    if (r.seed !== first.seed) throw inputError(`seed ${r.seed} differs from ${first.seed}`, where, r.seed);
  });
}

export interface MergeOptions {
  /** Merge with shards missing (`--allow-partial`): a warning instead of an error. */
  allowPartial?: boolean;
}

function missingShards(given: number, count: number, missing: number[], allowPartial: boolean): string {
  const what = `${given} of ${count} shards${allowPartial ? '' : ' given'}; missing shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`;
  if (allowPartial)
    return `partial merge (--allow-partial): ${what}: counts and verdict cover part of the fleet`;
  throw new ToolError('FLEETSTORM_ERR_REPORT_INPUT', what, {
    where: 'report merge',
    fix: 'give every shard report.json, or --allow-partial to merge the shards there are (the report then says which are missing)',
  });
}

function shardWarnings(reports: readonly Report[], labels: string[], allowPartial: boolean): string[] {
  const shards = reports.map((r) => r.scenario.shard).filter((s) => s !== null);
  const warnings: string[] = [];
  const seen = new Set<number>();
  shards.forEach((s, i) => {
    if (seen.has(s.index))
      throw inputError(`shard ${s.index}/${s.count} is given twice`, labels[i] as string);
    seen.add(s.index);
  });
  const count = shards[0]?.count;
  if (count !== undefined && shards.length < count) {
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
    warnings.push(missingShards(shards.length, count, missing, allowPartial));
  }
  const versions = [...new Set(reports.map((r) => r.tool.version))];
  if (versions.length > 1) warnings.push(`shards were written by fleetstorm ${versions.join(', ')}`);
  const reached = [...new Set(reports.map((r) => r.reachedUs))];
  if (reached.length > 1)
    warnings.push('shards reached different virtual times; the merged run ends at the earliest');
  return warnings;
}

function withoutRunWarnings(r: Report): string[] {
  const own = new Set(runWarnings(r));
  return r.warnings.filter((w) => !own.has(w));
}

function liveOf(live: Report['live']): Pick<Report, 'live'> {
  return live === undefined ? {} : { live };
}

function mergedReplay(replay: string): string {
  return replay.replace(/\s+--shard[ =]\S+/g, '');
}

/** Merges shard reports of one scenario; throws FLEETSTORM_ERR_REPORT_INPUT on a mismatch. */
export function mergeReports(reports: readonly Report[], options: MergeOptions = {}): Report {
  const first = reports[0];
  if (!first) throw inputError('no reports to merge', 'report merge');
  const labels = reports.map(label);
  checkCompatible(reports, labels);
  const extraWarnings = shardWarnings(reports, labels, options.allowPartial === true);
  const devices = reports.reduce((s, r) => s + r.devices, 0);
  const metrics = mergeMetrics(
    reports.map((r) => r.metrics),
    labels,
    COUNTERS,
    devices,
  );
  const series = mergeSeries(
    reports.map((r) => r.series),
    labels,
    { counters: COUNTERS, histograms: HISTOGRAMS, connStates: CONN_STATES, otaStates: OTA_STATES },
  );
  const cohorts = mergeCohorts(reports.map((r) => r.cohorts));
  const thresholds = evaluateThresholds(first.scenario.thresholds, metrics, { cohorts: cohorts ?? null });
  const { status, statusReason } = mergeStatus(reports, labels);
  const faults = mergeFaults(reports.map((r) => r.faults));
  return {
    schemaVersion: first.schemaVersion,
    tool: { ...first.tool },
    scenario: { ...first.scenario, shard: null },
    seed: first.seed,
    replay: mergedReplay(first.replay),
    status,
    statusReason,
    verdict: verdictOf(status, thresholds),
    reachedUs: Math.min(...reports.map((r) => r.reachedUs)),
    intervalUs: first.intervalUs,
    devices,
    metrics,
    series,
    thresholds,
    faults,
    rollout: mergeRollout(reports.map((r) => r.rollout)),
    outcomes: mergeOutcomes(reports.map((r) => r.outcomes)),
    ...(cohorts === undefined ? {} : { cohorts }),
    ...commandsField(
      mergeCommands(
        { scenario: first.scenario, metrics, series },
        reports.map((r) => r.commands),
      ),
    ),
    // Per-endpoint OTA load from the merged counters and histograms (the server view is per process).
    ...otaField(
      otaReport(
        {
          scenario: first.scenario,
          metrics,
          series,
          intervalUs: first.intervalUs,
          reachedUs: Math.min(...reports.map((r) => r.reachedUs)),
        },
        null,
      ),
    ),
    // Each shard's honesty warnings describe its slice: dropped, and worked out on the whole.
    warnings: mergeWarnings(
      [
        runWarnings({ scenario: { ...first.scenario, shard: null }, faults, metrics, status }),
        ...reports.map((r) => withoutRunWarnings(r)),
      ],
      extraWarnings,
    ),
    ...liveOf(mergeLive(reports.map((r) => r.live))),
    // Every shard ran from the same calibration: its account is the run's.
    ...(first.backend === undefined ? {} : { backend: first.backend }),
    run: mergeRun(reports.map((r) => r.run)),
  };
}
