// Turns an engine result into report.json (v1): merged metrics and series, thresholds, fault
// timeline, rollout, outcomes, replay line. Pure: everything time- or host-dependent is passed
// in and lands under `run`.
import { evaluateThresholds } from '../metrics/thresholds.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../reports/report-types.js';
import { verdictOf } from '../reports/verdict.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { EngineResult } from './engine-types.js';

export const TOOL_VERSION = '0.1.0';
const OUTCOME_SAMPLE = 20;

export interface RunMeta {
  replay: string;
  startedAt: string;
  wallMs: number;
  outDir: string | null;
  outcomesFile: string | null;
}

export function buildReport(s: ResolvedScenario, eng: EngineResult, meta: RunMeta): Report {
  const { metrics, series } = eng.agg.build({ reachedUs: eng.reachedUs });
  const thresholds = evaluateThresholds(s.thresholds, eng.agg);
  const warnings = [...eng.warnings];
  if (eng.status === 'interrupted')
    warnings.push('run interrupted: the report holds what was measured until then');
  if (eng.status === 'crashed')
    warnings.push(`run crashed: ${eng.statusReason ?? 'unknown error'}; partial report`);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'fleetstorm', version: TOOL_VERSION },
    scenario: s,
    seed: s.seed,
    replay: meta.replay,
    status: eng.status,
    statusReason: eng.statusReason,
    verdict: verdictOf(eng.status, thresholds),
    reachedUs: eng.reachedUs,
    intervalUs: s.intervalUs,
    devices: eng.devices,
    metrics,
    series,
    thresholds,
    faults: eng.faults,
    rollout: eng.rollout,
    outcomes: {
      total: eng.outcomes.length,
      sample: eng.outcomes.slice(0, OUTCOME_SAMPLE),
      file: meta.outcomesFile,
    },
    warnings,
    run: {
      startedAt: meta.startedAt,
      wallMs: meta.wallMs,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      workers: eng.workers,
      eventsProcessed: eng.events,
      outDir: meta.outDir,
    },
  };
}
