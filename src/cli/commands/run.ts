// `fleetstorm run <scenario>`: load with profile/env/flags, run, print the summary, set the exit
// code. Also `replay <report.json>`: the recorded resolved scenario and seed, run again.
import { insecureWarning } from '../../scenario/resolve-tls.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ToolError } from '../../errors/tool-error.js';
import { runResolved, type RunOutcome } from '../../app/run.js';
import type { ExitCode } from '../../errors/exit-codes.js';
import { checkReplayableShape, checkTypesCompile } from '../../app/replay-check.js';
import { checkBrokerFaults } from '../../scenario/check-broker-faults.js';
import { checkReplayable } from '../../reports/check-scenario.js';
import { Checker, readReport } from '../../reports/read-report.js';
import { renderSummary } from '../../reports/summary-text.js';
import { loadScenario } from '../../scenario/index.js';
import { envOverrides, type CliOverrides } from '../../scenario/overrides.js';
import type { ResolvedScenario } from '../../scenario/types.js';
import { err, out } from '../output.js';
import { ProgressPrinter } from '../progress.js';
import { progressLine } from '../../app/process-progress.js';
import { exitWithParent, interruptSignal } from '../signals.js';
import { PARENT_PIPE_ENV } from '../../app/multi-process.js';
import { pipeSync, type ShardSync } from '../../app/shard-sync.js';
import { delay } from '../../clock/real-clock.js';
import { startMetricsEndpoint } from '../../app/metrics-endpoint.js';
import { assertReplaySecretsAllowed } from '../../identity/check.js';

export interface RunFlags {
  profile?: string;
  out?: string;
  json: boolean;
  quiet: boolean;
  html: boolean;
  /** Serve Prometheus metrics on this loopback port during the run (0 = any free port). */
  metricsPort?: number;
  /** `--processes N`: live mode over N processes; default the scenario's `live.processes`. */
  processes?: number;
  /** Internal (`run-resolved --progress-json`): progress lines on stderr for the parent process. */
  progressJson?: boolean;
  overrides: CliOverrides;
  /** false: no plan before a live run (one process of `--processes N`). */
  plan?: boolean;
  /** `replay`: the replayed report's own replay line (it reproduces the run; the flags here do not). */
  replay?: string;
}

function printOutcome(o: RunOutcome, flags: RunFlags): void {
  const r = o.report;
  if (flags.json) {
    out(
      JSON.stringify({
        status: r.status,
        verdict: r.verdict,
        exitCode: o.exitCode,
        reportDir: o.paths?.dir ?? null,
        thresholds: r.thresholds,
        derived: r.metrics.derived,
        warnings: r.warnings,
        replay: r.replay,
      }),
    );
  } else out(renderSummary(r));
  if (o.paths)
    err(
      `report: ${o.paths.dir}/ (report.json, summary.txt, junit.xml${o.paths.html ? ', report.html' : ''})`,
    );
  if (r.status !== 'completed')
    err(`run ${r.status}: ${r.statusReason ?? ''} — the report holds what was measured so far`);
  if (o.crash !== undefined) {
    err('fleetstorm: internal error (a bug): please report it with the replay line below');
    err(o.crash instanceof Error ? (o.crash.stack ?? o.crash.message) : String(o.crash));
  }
  // The summary on stdout ends with the replay line; stderr says it once more only when stdout
  // holds JSON, or after a crash's stack ("the replay line below").
  if (flags.json || o.crash !== undefined) err(`replay: ${r.replay}`);
}

/**
 * FLEETSTORM_SELFTEST_CRASH_AT_US: makes a worker (live: the driver) throw, to test that a crash
 * still reports; with FLEETSTORM_SELFTEST_CRASH_SHARD=i only the run of shard i does.
 */
function selfTestCrashAt(s: ResolvedScenario): number | undefined {
  const v = process.env.FLEETSTORM_SELFTEST_CRASH_AT_US;
  if (v === undefined || v === '' || !Number.isFinite(Number(v))) return undefined;
  const shard = process.env.FLEETSTORM_SELFTEST_CRASH_SHARD;
  if (shard !== undefined && shard !== '' && Number(shard) !== (s.shard?.index ?? -1)) return undefined;
  return Number(v);
}

/**
 * FLEETSTORM_SELFTEST_SLOW_START=i:ms: the child of shard i sets up that much later, as a
 * loaded machine may spawn it, to test that the processes still start their clocks together.
 */
async function selfTestSlowStart(s: ResolvedScenario): Promise<void> {
  const m = /^(\d+):(\d+)$/.exec(process.env.FLEETSTORM_SELFTEST_SLOW_START ?? '');
  if (m && Number(m[1]) === s.shard?.index) await delay(Number(m[2]));
}

/** `--processes` is not a resolver layer: it only sets `live.processes` on the resolved scenario. */
function withProcesses(s: ResolvedScenario, processes: number | undefined): ResolvedScenario {
  return processes === undefined ? s : { ...s, live: { ...s.live, processes } };
}

export async function runScenario(
  scenario: ResolvedScenario,
  flags: RunFlags,
  sync?: ShardSync,
): Promise<ExitCode> {
  const s = withProcesses(scenario, flags.processes);
  const progress = new ProgressPrinter(process.stderr, s.durationUs, !flags.quiet);
  const insecure = s.mode === 'live' ? insecureWarning(s.target.tls) : null;
  if (insecure !== null) err(`warning: ${insecure}`);
  const endpoint =
    flags.metricsPort !== undefined ? await startMetricsEndpoint(flags.metricsPort, s.durationUs) : null;
  if (endpoint) err(`metrics: ${endpoint.url}`);
  const sig = interruptSignal();
  try {
    const o = await runResolved(s, {
      outDir: flags.out,
      overrides: flags.overrides,
      ...(flags.replay === undefined ? {} : { replay: flags.replay }),
      signal: sig.signal,
      onProgress: (p) => {
        progress.update(p);
        // One child of --processes N: its progress, for the parent to show.
        if (flags.progressJson === true && s.shard) err(progressLine(p, s.shard.index, s.shard.count));
        endpoint?.update(p);
      },
      html: flags.html,
      onProcessProgress: (p) => progress.updateProcess(p),
      crashAtUs: selfTestCrashAt(s),
      ...(sync ? { sync } : {}),
      onPlan: (lines) => lines.forEach((l) => err(l)),
      plan: flags.plan !== false,
    });
    printOutcome(o, flags);
    return o.exitCode;
  } finally {
    sig.dispose();
    await endpoint?.close();
  }
}

export async function runCommand(path: string, flags: RunFlags): Promise<ExitCode> {
  const s = await loadScenario(path, {
    profile: flags.profile,
    env: process.env,
    overrides: flags.overrides,
  });
  // The replay line names what the environment set too, so it replays without it.
  return runScenario(s, { ...flags, overrides: { ...envOverrides(process.env), ...flags.overrides } });
}

/** Internal: runs a resolved scenario written as JSON (one process of `--processes N`). */
export async function resolvedCommand(path: string, flags: RunFlags): Promise<ExitCode> {
  const child = process.env[PARENT_PIPE_ENV] === '1';
  if (child) exitWithParent();
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch (e) {
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_NOT_FOUND', 'cannot read the resolved scenario', {
      where: path,
      got: (e as NodeJS.ErrnoException).code ?? 'error',
      fix: 'run-resolved is internal: use fleetstorm run --processes N',
    });
  }
  const s = JSON.parse(text) as ResolvedScenario;
  await selfTestSlowStart(s);
  const sync = child ? pipeSync(process.stdin, err) : undefined; // start and end with the other processes
  return runScenario(s, { ...flags, plan: false }, sync); // the parent planned
}

export async function replayCommand(path: string, flags: RunFlags, allowSecrets = false): Promise<ExitCode> {
  const report = await readReport(resolve(path));
  checkReplayable(new Checker(path), report.scenario as unknown as Record<string, unknown>);
  await checkReplayableShape(report.scenario, path);
  checkTypesCompile(report.scenario.deviceTypes, path);
  checkBrokerFaults(report.scenario, path); // as `run` checks once mode and targets are known
  assertReplaySecretsAllowed(report.scenario, path, allowSecrets);
  return runScenario(report.scenario, { ...flags, replay: report.replay });
}
