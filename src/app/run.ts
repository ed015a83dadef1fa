// Orchestration of one run: resolved scenario → engine (virtual or live) → report → files →
// exit code. Knows nothing of the terminal: progress goes to a callback, errors are thrown
// (ToolError) or returned as a crashed report, never printed here.
import { access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { wallClockMs, monotonicMs } from '../clock/real-clock.js';
import { EXIT, type ExitCode } from '../errors/exit-codes.js';
import { parseThreshold, evaluateParsed, type ParsedThreshold } from '../metrics/thresholds.js';
import { renderHtml } from '../reports/html/render-html.js';
import type { Report } from '../reports/report-types.js';
import { makeDirs, removeEmptyDirs } from '../reports/atomic-write.js';
import { writeReportFiles, type ReportPaths } from '../reports/write-report.js';
import type { CliOverrides } from '../scenario/overrides.js';
import { checkPlanSize } from '../scenario/plan-size.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { ShardSync } from './shard-sync.js';
import type { EngineOptions, EngineResult, IntervalProgress, StopRequest } from './engine-types.js';
import { OUTCOMES_NDJSON, writeOutcomes, writesOutcomes } from './outcomes-file.js';
import { preflight } from './plan/index.js';
import type { ProcessProgress } from './process-progress.js';
import { replayLine } from './replay-line.js';
import { buildReport } from './report-build.js';
import { runVirtual } from './virtual-engine.js';
import { checkPrograms } from '../program/load.js';
import { checkIdentities } from '../identity/check.js';
import { defaultWorkers } from '../workers/pool.js';
import { runLive } from './live-engine.js';
import { runProcesses } from './multi-process.js';

export interface RunOptions {
  /** Report directory; default reports/<time>-<scenario>. */
  outDir?: string;
  /** Flags as given, for the replay line. */
  overrides?: CliOverrides;
  /** The replay line to print instead of one built from the flags (`replay`: the original run's). */
  replay?: string;
  /** Ctrl-C / SIGTERM: the run stops at the next barrier and writes a partial report. */
  signal?: AbortSignal;
  onProgress?: (p: IntervalProgress) => void;
  /** Under `--processes N`: each child's progress at its interval boundaries. */
  onProcessProgress?: (p: ProcessProgress) => void;
  /** Write report.html (default true). */
  html?: boolean;
  /** Write no files at all (programmatic use). */
  noFiles?: boolean;
  /** Self-test of crash handling: a worker throws at this virtual time. */
  crashAtUs?: number;
  /** The plan's lines, shown before a live run against a remote host (src/app/plan). */
  onPlan?: (lines: string[]) => void;
  /** false: no plan and no limit check (one process of `--processes N`: the parent did them). */
  plan?: boolean;
  /** One process of `--processes N`: starts and ends with the others (src/app/shard-sync.ts). */
  sync?: ShardSync;
}

export interface RunOutcome {
  report: Report;
  paths: ReportPaths | null;
  exitCode: ExitCode;
  crash?: unknown;
}

const MAX_NAME_CHARS = 80;

export function defaultOutDir(s: ResolvedScenario, now = new Date(wallClockMs())): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const shard = s.shard ? `-shard${s.shard.index}of${s.shard.count}` : '';
  // A file name holds 255 bytes; a long scenario name is cut, not an ENAMETOOLONG after the run.
  const name = s.name
    .replace(/[^\w.-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, MAX_NAME_CHARS);
  return join('reports', `${stamp}-${name}${shard}`);
}

/** Makes the report folder (and parents); returns the folders it made. */
async function prepareOutDir(dir: string): Promise<string[]> {
  try {
    const made = await makeDirs(dir);
    await access(dir, constants.W_OK);
    return made;
  } catch (e) {
    throw new ToolError(
      'FLEETSTORM_ERR_OUTPUT_DIR',
      `cannot create or write the report directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        where: dir,
        fix: 'choose a writable directory with --out',
      },
    );
  }
}

export function exitCodeOf(report: Report): ExitCode {
  switch (report.status) {
    case 'crashed':
      return EXIT.internal;
    case 'interrupted':
      return EXIT.interrupted;
    case 'aborted':
      return EXIT.aborted;
    case 'completed':
      return report.verdict === 'passed' ? EXIT.ok : EXIT.thresholdsFailed;
  }
}

function stopCheck(s: ResolvedScenario, opts: RunOptions): (p: IntervalProgress) => StopRequest | null {
  const aborts: { threshold: ParsedThreshold; abortOnFail: boolean }[] = s.thresholds
    .filter((t) => t.abortOnFail)
    .map((t) => ({ threshold: parseThreshold(t.expr), abortOnFail: true }));
  return (p) => {
    opts.onProgress?.(p);
    if (opts.signal?.aborted) return { status: 'interrupted', reason: 'interrupted by signal' };
    for (const r of evaluateParsed(aborts, p.agg)) {
      if (r.observed !== null && !r.ok)
        return { status: 'aborted', reason: `abort threshold failed: ${r.message}` };
    }
    return null;
  };
}

/** Live mode with `live.processes` > 1: the children's reports, merged. */
async function runMultiProcess(
  s: ResolvedScenario,
  opts: RunOptions,
  outDir: string | null,
): Promise<RunOutcome> {
  const { report, outcomes } = await runProcesses(s, {
    signal: opts.signal,
    replay: opts.replay ?? replayLine(s, opts.overrides),
    onProgress: opts.onProcessProgress,
    ...(outDir ? { keepDir: outDir } : {}),
  });
  let paths: ReportPaths | null = null;
  if (outDir) {
    paths = await writeReportFiles(report, outDir, opts.html === false ? {} : { html: renderHtml });
    if (outcomes) await writeOutcomes(outDir, outcomes);
  }
  return { report, paths, exitCode: exitCodeOf(report) };
}

export async function runResolved(s: ResolvedScenario, opts: RunOptions = {}): Promise<RunOutcome> {
  for (const t of s.thresholds) parseThreshold(t.expr); // bad expressions fail before the run
  checkPlanSize(s, s.sourcePath ?? s.name); // replay and run-resolved skip the loader's check
  if (opts.plan !== false) await preflight(s, opts.onPlan); // target.limits refused at load time
  checkIdentities(s); // a missing ${env:…} or bad key too, in virtual mode as well
  checkPrograms(s); // device programs bundle and load, or the run does not start
  const outDir = opts.noFiles ? null : (opts.outDir ?? defaultOutDir(s));
  const made = outDir ? await prepareOutDir(outDir) : []; // fail before an hour-long run
  try {
    return await runAndWrite(s, opts, outDir);
  } catch (e) {
    await removeEmptyDirs(made); // a run that fails before writing leaves no empty folder
    throw e;
  }
}

async function runAndWrite(
  s: ResolvedScenario,
  opts: RunOptions,
  outDir: string | null,
): Promise<RunOutcome> {
  if (s.mode === 'live' && s.live.processes > 1) return runMultiProcess(s, opts, outDir);
  const startedAt = new Date(wallClockMs()).toISOString();
  const t0 = monotonicMs();
  const engineOpts: EngineOptions = {
    workers: s.workers > 0 ? s.workers : defaultWorkers(),
    onInterval: stopCheck(s, opts),
    crashAtUs: opts.crashAtUs,
    ...(opts.sync ? { sync: opts.sync } : {}),
  };
  const eng: EngineResult =
    s.mode === 'live' ? await runLive(s, engineOpts) : await runVirtual(s, engineOpts);
  // Device order, as a merge of shard reports has it (engines record them interval by interval).
  eng.outcomes.sort((a, b) => a.device - b.device);
  const report = buildReport(s, eng, {
    replay: opts.replay ?? replayLine(s, opts.overrides),
    startedAt,
    wallMs: Math.round(monotonicMs() - t0),
    outDir,
    outcomesFile: outDir && writesOutcomes(s) ? OUTCOMES_NDJSON : null,
  });
  let paths: ReportPaths | null = null;
  if (outDir) {
    paths = await writeReportFiles(report, outDir, opts.html === false ? {} : { html: renderHtml });
    if (writesOutcomes(s)) await writeOutcomes(outDir, eng.outcomes);
  }
  return { report, paths, exitCode: exitCodeOf(report), crash: eng.crash };
}
