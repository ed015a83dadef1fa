// Live mode over N processes (`--processes N`): each process has its own open-file limit and
// core. The parent starts the embedded backend once (or checks the given targets), writes the
// resolved scenario once per shard (`--shard i/N`, the shared targets, one process each), runs
// `fleetstorm run-resolved` for each, and merges the shard reports exactly (mergeReports) and
// their per-device outcome files.
// Ctrl-C is forwarded to the children, which write their partial reports.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicUs } from '../clock/real-clock.js';
import { otaServerView } from '../live/ota-server-view.js';
import { ToolError } from '../errors/tool-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { shardSize } from '../core/shard-layout.js';
import {
  assertLiveFdBudget,
  closeTargets,
  concurrentSockets,
  prepareTargets,
  type LiveTargets,
} from '../live/targets.js';
import { mergeReports } from '../reports/merge.js';
import { readReportAt } from '../reports/read-report.js';
import type { DeviceOutcome, Report } from '../reports/report-types.js';
import { verdictOf } from '../reports/verdict.js';
import { PACKAGE_ROOT } from '../scenario/load.js';
import type { ResolvedScenario, TargetLimits } from '../scenario/types.js';
import { fleetDevicesOf } from './fleet-setup.js';
import { checkLiveOptions } from './live-engine.js';
import { mergeShardOutcomes, OUTCOMES_NDJSON } from './outcomes-file.js';
import { parseProgressLine, type ProcessProgress } from './process-progress.js';
import { parseSyncLine, SyncHub } from './shard-sync.js';

const BIN = join(PACKAGE_ROOT, 'bin', 'fleetstorm.js');
/** Exit codes of a child that wrote a complete report: passed, thresholds failed, aborted. */
const CHILD_OK: readonly number[] = [EXIT.ok, EXIT.thresholdsFailed, EXIT.aborted];
const STDERR_LINES = 5;

/** Set for `run-resolved` children: their stdin is the parent's pipe (see runChild). */
export const PARENT_PIPE_ENV = 'FLEETSTORM_PARENT_PIPE';
/** Where the children's reports of a failed run are kept, inside the run's report folder. */
const KEPT_DIR = 'processes';

export interface MultiProcessOptions {
  signal?: AbortSignal;
  /** Replay line of the whole run (the children's name their shard). */
  replay: string;
  /** Each child's progress at its interval boundaries. */
  onProgress?: (p: ProcessProgress) => void;
  /**
   * The run's report folder: after a failed child the children's reports are moved to
   * `<keepDir>/processes` (no temporary folder is left behind). Without it they stay in the
   * temporary folder the status reason names.
   */
  keepDir?: string;
}

/** The merged report and the children's per-device outcomes (null: some child wrote none). */
export interface MultiProcessResult {
  report: Report;
  outcomes: DeviceOutcome[] | null;
}

interface ChildExit {
  index: number;
  code: number;
  /** Set when the child was killed by a signal. */
  killedBy: string | null;
  stderrTail: string[];
}

/** The scenario child i runs: its shard, the shared targets, one process. */
export function childScenario(s: ResolvedScenario, index: number, t: LiveTargets): ResolvedScenario {
  return {
    ...s,
    shard: { index, count: s.live.processes },
    // target.limits hold for the whole run: each of the N processes gets 1/N of each.
    target: {
      ...s.target,
      mqttUrls: [...t.mqttUrls],
      httpUrl: t.httpUrl,
      limits: shareLimits(s, s.live.processes),
    },
    live: { ...s.live, processes: 1 },
  };
}

function shareLimits(s: ResolvedScenario, n: number): TargetLimits | undefined {
  const l = s.target.limits;
  if (l === undefined) return undefined;
  const part = (v: number | null): number | null => (v === null ? null : v / n);
  return {
    connections: l.connections === null ? null : Math.max(1, Math.floor(l.connections / n)),
    connectRatePerSec: part(l.connectRatePerSec),
    publishRatePerSec: part(l.publishRatePerSec),
    requestRatePerSec: part(l.requestRatePerSec),
    bandwidthBytesPerSec: part(l.bandwidthBytesPerSec),
  };
}

function runChild(
  index: number,
  file: string,
  outDir: string,
  hub: SyncHub,
  children: ((line: string) => void)[],
  signal?: AbortSignal,
  onProgress?: (p: ProcessProgress) => void,
): Promise<ChildExit> {
  const quiet = ['--quiet', '--json', '--no-html', '--progress-json'];
  const args = [BIN, 'run-resolved', file, '--out', outDir, ...quiet];
  // Own process group: a terminal Ctrl-C reaches the parent only, which forwards one SIGINT.
  // stdin is a pipe the child watches: when this process dies, even by SIGKILL, the child sees
  // end-of-file and exits instead of running to the end unwatched.
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, [PARENT_PIPE_ENV]: '1' },
  });
  child.stdin.on('error', () => {}); // a child that exited before an answer: its close says why
  children[index] = (line) => void child.stdin.write(`${line}\n`);
  const tail: string[] = [];
  let partial = ''; // a line split over two chunks
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const p = parseProgressLine(line);
      const m = p === null ? parseSyncLine(line) : null;
      if (p !== null) onProgress?.(p);
      else if (m !== null) hub.arrive(index, m);
      else if (line.trim() !== '') tail.push(line);
    }
    tail.splice(0, Math.max(0, tail.length - STDERR_LINES));
  });
  const forward = (): void => void child.kill('SIGINT');
  signal?.addEventListener('abort', forward, { once: true });
  return new Promise((resolve) => {
    child.on('error', (e) => tail.push(e.message));
    child.on('close', (code, killedBy) => {
      if (partial.trim() !== '') tail.push(partial);
      signal?.removeEventListener('abort', forward);
      hub.exited(index);
      resolve({ index, code: code ?? EXIT.internal, killedBy, stderrTail: tail });
    });
  });
}

/** Why a child failed: its own report's reason when it wrote one, else its last stderr line. */
function failureOf(c: ChildExit, n: number, interrupted: boolean, report: Report | undefined): string | null {
  if (CHILD_OK.includes(c.code) || (interrupted && c.code === EXIT.interrupted)) return null;
  const said = c.stderrTail.filter((l) => !l.startsWith('replay:')).at(-1);
  const last = report?.statusReason ?? said ?? 'no output';
  const how = c.killedBy ? `was killed by ${c.killedBy}` : `exited with ${c.code}`;
  return `process ${c.index} (shard ${c.index}/${n}) ${how}: ${last}`;
}

/** Each child's report (null where it wrote none), in shard order. */
async function readChildReports(dirs: string[]): Promise<({ report: Report; dir: string } | null)[]> {
  return Promise.all(dirs.map((dir) => readReportAt(join(dir, 'report.json')).catch(() => null)));
}

function mergedReport(
  s: ResolvedScenario,
  reports: Report[],
  failures: string[],
  replay: string,
  outcomesFile: string | null,
): Report {
  // A child that wrote no report already makes the run crashed; merge what the others measured.
  const merged = mergeReports(reports, { allowPartial: true });
  const outcomes = { ...merged.outcomes, file: outcomesFile };
  const report: Report = { ...merged, scenario: { ...s, shard: null }, replay, outcomes };
  if (failures.length === 0) return report;
  return {
    ...report,
    status: 'crashed',
    statusReason: failures.join('; '),
    verdict: verdictOf('crashed', report.thresholds),
  };
}

/** The embedded backend (or the external brokers) holds one descriptor per device socket. */
function checkParentFdBudget(s: ResolvedScenario, embedded: boolean): void {
  if (!embedded) return;
  const n = s.live.processes;
  let sockets = 0;
  for (let i = 0; i < n; i++)
    sockets += concurrentSockets(shardSize(fleetDevicesOf(s), n, i), s.live.maxConcurrentConnections);
  assertLiveFdBudget(sockets, 1, 'direct');
}

async function runChildren(
  s: ResolvedScenario,
  t: LiveTargets,
  tmp: string,
  opts: MultiProcessOptions,
  onStart: () => void,
): Promise<MultiProcessResult> {
  const n = s.live.processes;
  const dirs = Array.from({ length: n }, (_, i) => join(tmp, `proc-${i}`));
  const children: ((line: string) => void)[] = [];
  const hub = new SyncHub(n, (i, m) => children[i]?.(JSON.stringify(m)), onStart);
  const exits = await Promise.all(
    dirs.map(async (dir, i) => {
      await mkdir(dir, { recursive: true });
      const file = join(dir, 'scenario.json');
      await writeFile(file, JSON.stringify(childScenario(s, i, t)));
      return runChild(i, file, dir, hub, children, opts.signal, opts.onProgress);
    }),
  );
  const interrupted = opts.signal?.aborted === true;
  const written = await readChildReports(dirs);
  const failures = exits
    .map((c) => failureOf(c, n, interrupted, written[c.index]?.report))
    .filter((f) => f !== null);
  const found = written.filter((w) => w !== null);
  if (found.length === 0) {
    throw new Error(`no process wrote a report (${failures.join('; ') || 'all exited'})`);
  }
  if (failures.length > 0)
    failures.push(`shard reports kept in ${opts.keepDir ? join(opts.keepDir, KEPT_DIR) : tmp}`);
  const outcomes = found.length === n ? await mergeShardOutcomes(found) : null;
  const reports = found.map((f) => f.report);
  const report = mergedReport(s, reports, failures, opts.replay, outcomes ? OUTCOMES_NDJSON : null);
  return { report, outcomes };
}

/** Runs a live scenario with `live.processes` > 1: the merged report and outcomes. */
export async function runProcesses(
  s: ResolvedScenario,
  opts: MultiProcessOptions,
): Promise<MultiProcessResult> {
  if (!Number.isInteger(s.live.processes) || s.live.processes < 2) {
    throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'runProcesses needs 2 or more processes', {
      where: 'live.processes',
      got: s.live.processes,
      fix: 'give --processes N with N >= 2, or run in one process',
    });
  }
  checkLiveOptions(s);
  checkParentFdBudget(s, s.target.mqttUrls.length === 0);
  const targets = await prepareTargets(s, { proxies: false }); // each child starts its own
  // The embedded update server's waves run on the run's time: from the children's start, when
  // they all start their clocks together (src/app/shard-sync.ts).
  let launchedUs = monotonicUs();
  targets.desk?.setClock(() => (monotonicUs() - launchedUs) * s.live.speed);
  const onStart = (): void => void (launchedUs = monotonicUs());
  const tmp = await mkdtemp(join(tmpdir(), 'fleetstorm-procs-'));
  let keep = false;
  try {
    const result = await runChildren(s, targets, tmp, opts, onStart);
    // The embedded update server is the parent's: its view goes into the merged report.
    const server = otaServerView(targets.backend, targets.desk, (monotonicUs() - launchedUs) / 1e6);
    if (server !== null && result.report.ota) result.report.ota.server = server;
    if (result.report.status === 'crashed') {
      if (opts.keepDir) await cp(tmp, join(opts.keepDir, KEPT_DIR), { recursive: true });
      else keep = true; // programmatic use without files: the reason names the folder
    }
    return result;
  } finally {
    if (!keep) await rm(tmp, { recursive: true, force: true });
    await closeTargets(targets);
  }
}
