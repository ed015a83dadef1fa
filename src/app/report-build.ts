// Turns an engine result into report.json (v1): merged metrics and series, thresholds, fault
// timeline, rollout, outcomes, replay line. Pure: everything time- or host-dependent is passed
// in and lands under `run`.
import { evaluateThresholds } from '../metrics/thresholds.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../reports/report-types.js';
import { verdictOf } from '../reports/verdict.js';
import { commandsField, commandsReport } from '../reports/commands-report.js';
import { otaField, otaReport } from '../reports/ota-report.js';
import { runWarnings } from '../reports/run-warnings.js';
import { backendCalibrationField } from '../reports/backend-calibration.js';
import { siteReport } from '../reports/site-report.js';
import { runCohortPlan } from '../cohorts/run-plan.js';
import { cohortsReport } from '../cohorts/compare.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { redactScenario } from '../secrets/redact-scenario.js';
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

/**
 * A fleet resized without its modelled backend: say how far the load relative to capacity is
 * from the scenario's, so a green scaled-down run is not read as a green full run.
 */
export function resizeWarning(s: ResolvedScenario): string | null {
  const from = s.scaledFrom;
  if (from === null || from.backend || s.mode !== 'virtual') return null;
  const devices = s.fleet.reduce((n, g) => n + g.count, 0);
  const f = devices / from.devices;
  const how = f < 1 ? `${fmtFactor(1 / f)} lighter` : `${fmtFactor(f)} heavier`;
  return (
    `fleet resized from ${from.devices.toLocaleString('en-US')} to ${devices.toLocaleString('en-US')} devices ` +
    `with the modelled backend's capacity and the absolute counts as written: load relative to capacity is ` +
    `${how} than in the scenario (scale-backend: true in the profile, or --scale-backend, scales them with the fleet)`
  );
}

function fmtFactor(x: number): string {
  return `${x >= 10 ? Math.round(x) : Math.round(x * 10) / 10}×`;
}

export function buildReport(s: ResolvedScenario, eng: EngineResult, meta: RunMeta): Report {
  const { metrics, series } = eng.agg.build({ reachedUs: eng.reachedUs });
  const plan = runCohortPlan(s);
  // A run that stopped before its cohorts were summed compares empty cohorts: no data, not a pass.
  const cohorts = plan === null ? undefined : cohortsReport(plan, eng.cohortSums ?? []);
  const thresholds = evaluateThresholds(s.thresholds, eng.agg, { cohorts: cohorts ?? null });
  const honest = runWarnings({ scenario: s, faults: eng.faults, metrics, status: eng.status });
  const warnings = [...honest, ...eng.warnings];
  const resize = resizeWarning(s);
  if (resize !== null) warnings.push(resize);
  if (eng.status === 'interrupted')
    warnings.push('run interrupted: the report holds what was measured until then');
  if (eng.status === 'crashed')
    warnings.push(`run crashed: ${eng.statusReason ?? 'unknown error'}; partial report`);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'fleetstorm', version: TOOL_VERSION },
    // References kept, literal secrets and URL passwords masked (src/secrets).
    // The worker count changes how fast, never what: it lives under run.workers, so the body is
    // byte-identical whatever --workers says (README).
    scenario: { ...redactScenario(s), workers: 0 },
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
    ...commandsField(commandsReport({ scenario: s, metrics, series }, eng.outcomes)),
    ...(cohorts === undefined ? {} : { cohorts }),
    ...otaField(
      otaReport(
        { scenario: s, metrics, series, intervalUs: s.intervalUs, reachedUs: eng.reachedUs },
        eng.otaServer ?? null,
      ),
    ),
    outcomes: {
      total: eng.outcomes.length,
      sample: eng.outcomes.slice(0, OUTCOME_SAMPLE),
      file: meta.outcomesFile,
    },
    ...(eng.siteRows === undefined ? {} : { sites: siteReport(eng.siteRows) }),
    warnings,
    ...backendCalibrationField(s),
    ...(eng.connectErrors === undefined ? {} : { live: { connectErrors: eng.connectErrors } }),
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
