// Runs of the storm scenario through the CLI (bin/fleetstorm.js, i.e. dist/): live against the
// given brokers, virtual from a calibration file, and `fleetstorm calibrate` itself.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Report } from '../../src/reports/report-types.js';
import { stormScenario, type StormShape } from './storm-scenario.js';

export interface CliResult {
  code: number;
  stderrTail: string;
}

export function runCli(args: string[], timeoutMs: number): Promise<CliResult> {
  const child = spawn(process.execPath, ['bin/fleetstorm.js', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-2000);
  });
  const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 70, stderrTail: tail });
    }),
  );
}

export async function readReport(dir: string, cli: CliResult): Promise<Report> {
  try {
    return JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Report;
  } catch {
    throw new Error(`no report (fleetstorm exited ${cli.code}): ${cli.stderrTail.trim()}`);
  }
}

/**
 * Device sockets per process. The storm's outage is applied by the devices to their own links
 * (no fault proxy in front of the brokers): one descriptor per device, so the open-file limit
 * would allow about 19,000; 8,700 keeps each process's share of the storm's connects at what
 * one event loop answers on time on this machine. (Through a fault proxy it was 4,300: two more
 * descriptors per device.)
 */
export const DEVICES_PER_PROCESS = 8700;

export async function liveStorm(
  dir: string,
  shape: StormShape,
  urls: string[],
  perProcess = DEVICES_PER_PROCESS,
): Promise<{ report: Report; processes: number; cli: CliResult }> {
  const processes = Math.max(1, Math.ceil(shape.devices / perProcess));
  const s = {
    ...stormScenario(shape),
    mode: 'live',
    live: {
      speed: 1,
      processes,
      'max-concurrent-connections': Math.ceil(shape.devices / processes) + 100,
    },
  };
  const file = join(dir, 'storm-live.json');
  await writeFile(file, JSON.stringify(s, null, 1));
  const out = join(dir, 'live');
  const args = ['run', file, '--out', out, '--quiet', '--json', '--no-html'];
  for (const u of urls) args.push('--target-mqtt', u);
  const cli = await runCli(args, (shape.durationS + 240) * 1000);
  return { report: await readReport(out, cli), processes, cli };
}

/** Defaults of the backend fields a calibration may give only as a lower bound. */
const UNBOUNDED: Record<string, [string, string, number]> = {
  'connect.max-sessions': ['connect', 'max-sessions', 10_000_000],
  'connect.queue': ['connect', 'queue', 10_000],
  'ingest.queue': ['ingest', 'queue', 100_000],
};

/**
 * A fit the probe never saw knee (`bound: lower`, e.g. max-sessions at --max-connections) is
 * "at least", not a limit: written beside `from:` at the schema default instead (reported).
 */
export async function lowerBoundOverrides(calibration: string) {
  const doc = parse(await readFile(calibration, 'utf8')) as {
    calibration?: { fits?: Record<string, { bound?: string; value: number }> };
  };
  const over: Record<string, Record<string, number>> = {};
  const notes: string[] = [];
  for (const [field, fit] of Object.entries(doc.calibration?.fits ?? {})) {
    const u = UNBOUNDED[field];
    if (fit.bound !== 'lower' || u === undefined) continue;
    (over[u[0]] ??= {})[u[1]] = u[2];
    notes.push(`${field} was a lower bound (${fit.value}): the default ${u[2]} used instead`);
  }
  return { over, notes };
}

/** The same storm in virtual mode, its backend from the calibration file. */
export async function virtualStorm(
  dir: string,
  shape: StormShape,
  calibration: string,
  brokers: number,
  /** backend.mqtt beside `from:` (e.g. track-in-flight, as live mode's client tracks QoS 1). */
  mqtt?: Record<string, unknown>,
) {
  const { over, notes } = await lowerBoundOverrides(calibration);
  const s = {
    ...stormScenario(shape),
    mode: 'virtual',
    // the calibration is one broker's; the live run spread the devices over `brokers` of them
    backend: { from: calibration, brokers, ...over, ...(mqtt === undefined ? {} : { mqtt }) },
  };
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'storm-virtual.json');
  await writeFile(file, JSON.stringify(s, null, 1));
  const out = join(dir, 'virtual');
  const cli = await runCli(['run', file, '--out', out, '--quiet', '--json', '--no-html'], 300_000);
  return { report: await readReport(out, cli), cli, notes };
}

/**
 * `fleetstorm calibrate` against the given brokers (several: each alone and all at once, so the
 * joint probe can fit backend.shared.connect); the path of backend.calibrated.yaml.
 */
export async function calibrate(dir: string, urls: string[], maxConnections: number) {
  const out = join(dir, 'calibration');
  const args = ['calibrate', '--max-connections', String(maxConnections), '--out', out];
  for (const u of urls) args.push('--target-mqtt', u);
  const cli = await runCli(args, 900_000);
  return { file: join(out, 'backend.calibrated.yaml'), cli };
}
