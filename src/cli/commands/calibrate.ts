// `fleetstorm calibrate --target-mqtt URL [--target-mqtt URL2 …] [--target-http URL]
// [--max-connections N] [--out DIR] [--scenario FILE] [--resolve NAME:ADDR] [--step 3s]`:
// a bounded, stepwise probe of a live target (src/calibrate), then the fitted `backend:` in
// DIR/backend.calibrated.yaml, every step in calibration.json and the charts in
// calibration.html. Progress goes to stderr (one line per step), the fitted values to stdout.
import { monotonicUs, realTimers, wallClockMs } from '../../clock/real-clock.js';
import { TOOL_VERSION } from '../../app/report-build.js';
import { calibrate, DEFAULT_OPTIONS } from '../../calibrate/calibrate.js';
import { summaryLines } from '../../calibrate/summary.js';
import { calibrateTarget, preflight, resolveTarget } from '../../calibrate/target-setup.js';
import type { CalibrateOptions } from '../../calibrate/types.js';
import { defaultOutDir, writeCalibration } from '../../calibrate/write.js';
import { EXIT, type ExitCode } from '../../errors/exit-codes.js';
import { ToolError } from '../../errors/tool-error.js';
import { parseDurationUs } from '../../scenario/units.js';
import { err, out } from '../output.js';

/** One process holds fewer sockets than this (ephemeral ports of one source address). */
export const MAX_PROCESS_SOCKETS = 19_000;

export interface CalibrateFlags {
  targetMqtt: string[];
  targetHttp?: string | undefined;
  maxConnections?: string | undefined;
  out?: string | undefined;
  scenario?: string | undefined;
  resolve: string[];
  step?: string | undefined;
  quiet: boolean;
}

function bad(flag: string, what: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', what, { where: flag, got, fix });
}

export function parseMaxConnections(text: string | undefined): number {
  if (text === undefined) return DEFAULT_OPTIONS.maxConnections;
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < 1)
    throw bad('--max-connections', 'not a whole number of connections', text, 'e.g. --max-connections 5000');
  if (n >= MAX_PROCESS_SOCKETS)
    throw bad(
      '--max-connections',
      `one process holds fewer than ${MAX_PROCESS_SOCKETS.toLocaleString('en-US')} sockets`,
      text,
      `give at most ${MAX_PROCESS_SOCKETS - 1}; the sessions beyond are a lower bound (max-sessions), or measure them with a live run split over --processes`,
    );
  return n;
}

/** `--step 3s`: the length of each probe step, 250ms..60s. */
export function parseStepMs(text: string | undefined): number {
  if (text === undefined) return DEFAULT_OPTIONS.stepMs;
  let us = NaN;
  try {
    us = parseDurationUs(text);
  } catch {
    // reported below with the flag's own fix
  }
  if (!Number.isFinite(us) || us < 250_000 || us > 60_000_000)
    throw bad('--step', 'not a step length', text, 'give a duration from 250ms to 60s, e.g. --step 3s');
  return Math.round(us / 1000);
}

export async function calibrateCommand(f: CalibrateFlags): Promise<ExitCode> {
  const maxConnections = parseMaxConnections(f.maxConnections);
  const stepMs = parseStepMs(f.step);
  if (f.out !== undefined && f.out.trim() === '')
    throw bad('--out', 'empty folder name', f.out, 'name a folder, e.g. --out calibration/staging');
  const target = await resolveTarget(f);
  const o: CalibrateOptions = {
    ...DEFAULT_OPTIONS,
    maxConnections,
    stepMs,
    mqttUrls: target.mqttUrls,
    httpUrl: target.httpUrl,
    limits: target.limits,
  };
  const progress = (line: string): void => {
    if (!f.quiet) err(line);
  };
  const envelope = `the probe offers at most ${maxConnections} connections, ${o.connectMaxPerSec} connects/s, ${o.publishMaxPerSec} publishes/s${o.httpUrl ? `, ${o.checkinMaxPerSec} check-ins/s and ${o.downloadMaxConcurrent} downloads at once` : ''}, in steps of ${stepMs} ms that stop at the first knee or target.limits`;
  const sockets = maxConnections + o.publishConnections + 64;
  await preflight(target, envelope, sockets, progress, (kind) =>
    f.targetMqtt.length > 0 || f.scenario === undefined
      ? `--target-${kind}`
      : `${f.scenario}: target.${kind}`,
  );
  const identityFrom = f.scenario === undefined ? '--target-mqtt' : `--scenario ${f.scenario}`;
  const result = await calibrate(
    o,
    calibrateTarget(target, maxConnections + o.publishConnections, identityFrom),
    {
      clock: monotonicUs,
      timers: realTimers,
      wallClockMs,
      progress,
    },
  );
  const dir = await writeCalibration(f.out ?? defaultOutDir(result.takenAt), result, TOOL_VERSION);
  for (const line of summaryLines(result, dir)) out(line);
  return EXIT.ok;
}
