// Loads a report.json for `report merge` / `report render`, checking its shape so a wrong file
// fails with one clear line (file, field, what was expected) instead of a stack trace later.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { HISTOGRAMS } from '../metrics/catalog.js';
import { checkScenarioShape } from './check-scenario.js';
import { checkCohorts, checkCommands, checkOta, checkSites } from './check-sections.js';
import { REPORT_SCHEMA_VERSION, type Report } from './report-types.js';
import { upgradeReport } from './upgrade.js';

type Obj = Record<string, unknown>;

export class Checker {
  constructor(private readonly where: string) {}

  fail(path: string, expected: string, got: unknown): never {
    throw new ToolError(
      'FLEETSTORM_ERR_REPORT_INPUT',
      `not a fleetstorm report: ${path} must be ${expected}`,
      {
        where: this.where,
        got: typeof got === 'object' && got !== null ? (Array.isArray(got) ? 'an array' : 'an object') : got,
        fix: 'pass the report.json written by `fleetstorm run`',
      },
    );
  }

  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Obj;
  }

  num(v: unknown, path: string, nullable = false): void {
    if (nullable && v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(path, nullable ? 'a number or null' : 'a number', v);
  }

  str(v: unknown, path: string, nullable = false): void {
    if (nullable && v === null) return;
    if (typeof v !== 'string') this.fail(path, nullable ? 'a string or null' : 'a string', v);
  }

  oneOf(v: unknown, path: string, values: readonly string[]): void {
    if (typeof v !== 'string' || !values.includes(v)) this.fail(path, `one of ${values.join(', ')}`, v);
  }

  arr(v: unknown, path: string, length?: number): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    if (length !== undefined && v.length !== length)
      this.fail(path, `an array of ${length} (one per interval)`, `${v.length} entries`);
    return v;
  }

  numbers(v: unknown, path: string, length?: number): void {
    this.arr(v, path, length).forEach((x, i) => this.num(x, `${path}[${i}]`));
  }

  bool(v: unknown, path: string): void {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
  }

  record(v: unknown, path: string, each: (value: unknown, path: string) => void): void {
    for (const [k, x] of Object.entries(this.obj(v, path))) each(x, `${path}["${k}"]`);
  }

  /** A histogram record: its names become file names (hdr/<name>.hlog), so only catalogue names. */
  histograms(v: unknown, path: string, each: (value: unknown, path: string) => void): void {
    this.record(v, path, (x, p) => {
      const name = p.slice(path.length + 2, -2);
      if (!(HISTOGRAMS as readonly string[]).includes(name))
        this.fail(`${path} key`, `a histogram of the metric catalogue`, name.slice(0, 60));
      each(x, p);
    });
  }
}

/**
 * `outcomes.file` is opened next to report.json; a report is untrusted input, so only a plain
 * file name in the report's own folder (no separators, no `..`, no hidden files).
 */
export function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/.test(name) && !name.includes('..');
}

function checkHeader(c: Checker, r: Obj): void {
  if (r.schemaVersion !== REPORT_SCHEMA_VERSION) {
    if (typeof r.schemaVersion === 'number') {
      c.fail(
        'schemaVersion',
        `${REPORT_SCHEMA_VERSION} (the version this fleetstorm reads)`,
        r.schemaVersion,
      );
    }
    c.fail('schemaVersion', `${REPORT_SCHEMA_VERSION}`, r.schemaVersion);
  }
  const tool = c.obj(r.tool, 'tool');
  if (tool.name !== 'fleetstorm') c.fail('tool.name', '"fleetstorm"', tool.name);
  const scenario = c.obj(r.scenario, 'scenario');
  c.str(scenario.name, 'scenario.name');
  c.arr(scenario.thresholds, 'scenario.thresholds');
  c.num(r.seed, 'seed');
  c.str(r.replay, 'replay');
  c.oneOf(r.status, 'status', ['completed', 'interrupted', 'aborted', 'crashed']);
  c.str(r.statusReason, 'statusReason', true);
  c.oneOf(r.verdict, 'verdict', ['passed', 'failed', 'aborted', 'incomplete']);
  for (const k of ['reachedUs', 'intervalUs', 'devices'] as const) c.num(r[k], k);
}

function checkMetrics(c: Checker, m: Obj): void {
  c.histograms(m.histograms, 'metrics.histograms', (h, path) => {
    const o = c.obj(h, path);
    c.num(o.count, `${path}.count`);
    c.str(o.hdr, `${path}.hdr`);
  });
  c.record(m.counters, 'metrics.counters', (v, path) => c.num(v, path));
  c.record(m.derived, 'metrics.derived', (v, path) => c.num(v, path, true));
}

function checkSeries(c: Checker, s: Obj): void {
  const n = c.arr(s.timesUs, 'series.timesUs').length;
  c.numbers(s.timesUs, 'series.timesUs');
  c.record(s.counters, 'series.counters', (v, path) => c.numbers(v, path, n));
  c.histograms(s.histograms, 'series.histograms', (v, path) =>
    c.arr(v, path, n).forEach((p, i) => {
      const o = c.obj(p, `${path}[${i}]`);
      c.num(o.count, `${path}[${i}].count`);
      c.str(o.hdr, `${path}[${i}].hdr`);
    }),
  );
  c.record(s.connStates, 'series.connStates', (v, path) => c.numbers(v, path, n));
  c.record(s.otaStates, 'series.otaStates', (v, path) => c.numbers(v, path, n));
  c.numbers(s.onTargetRatio, 'series.onTargetRatio', n);
}

const WAVE_COUNTS = ['targeted', 'offered', 'succeeded', 'failed', 'rolledBack', 'bricked', 'pending'];

function checkRollout(c: Checker, r: Obj): void {
  c.str(r.version, 'rollout.version');
  c.str(r.stateReason, 'rollout.stateReason', true);
  c.arr(r.waves, 'rollout.waves').forEach((w, i) => {
    const o = c.obj(w, `rollout.waves[${i}]`);
    c.num(o.index, `rollout.waves[${i}].index`);
    c.num(o.startedAtUs, `rollout.waves[${i}].startedAtUs`, true);
    c.num(o.endedAtUs, `rollout.waves[${i}].endedAtUs`, true);
    for (const k of WAVE_COUNTS) c.num(o[k], `rollout.waves[${i}].${k}`);
  });
}

/** One device outcome (a sample entry, or a line of outcomes.ndjson). */
export function checkOutcome(c: Checker, v: unknown, path: string): void {
  const o = c.obj(v, path);
  c.num(o.device, `${path}.device`);
  c.str(o.deviceType, `${path}.deviceType`);
  c.oneOf(o.outcome, `${path}.outcome`, [
    'failed',
    'rolled-back',
    'bricked',
    'command-error',
    'command-unanswered',
  ]);
  if (o.operation !== undefined) c.str(o.operation, `${path}.operation`);
  c.arr(o.trail, `${path}.trail`).forEach((e, i) => {
    const t = c.obj(e, `${path}.trail[${i}]`);
    c.num(t.atUs, `${path}.trail[${i}].atUs`);
    c.str(t.event, `${path}.trail[${i}].event`);
  });
}

function checkRest(c: Checker, r: Obj): void {
  c.arr(r.thresholds, 'thresholds').forEach((t, i) => {
    const o = c.obj(t, `thresholds[${i}]`);
    c.str(o.expr, `thresholds[${i}].expr`);
    c.str(o.message, `thresholds[${i}].message`);
    c.bool(o.ok, `thresholds[${i}].ok`);
    c.bool(o.abortOnFail, `thresholds[${i}].abortOnFail`);
    c.num(o.observed, `thresholds[${i}].observed`, true);
    c.num(o.limit, `thresholds[${i}].limit`);
  });
  c.arr(r.faults, 'faults').forEach((f, i) => {
    const o = c.obj(f, `faults[${i}]`);
    c.str(o.faultId, `faults[${i}].faultId`);
    c.str(o.type, `faults[${i}].type`);
    for (const k of ['devicesHit', 'atUs', 'durationUs'] as const) c.num(o[k], `faults[${i}].${k}`);
  });
  if (r.rollout !== null) checkRollout(c, c.obj(r.rollout, 'rollout'));
  if (r.commands !== undefined) checkCommands(c, c.obj(r.commands, 'commands'));
  if (r.ota !== undefined) checkOta(c, c.obj(r.ota, 'ota'));
  if (r.sites !== undefined) checkSites(c, c.obj(r.sites, 'sites'));
  if (r.cohorts !== undefined) checkCohorts(c, c.obj(r.cohorts, 'cohorts'));
  const outcomes = c.obj(r.outcomes, 'outcomes');
  c.num(outcomes.total, 'outcomes.total');
  c.arr(outcomes.sample, 'outcomes.sample').forEach((o, i) => checkOutcome(c, o, `outcomes.sample[${i}]`));
  c.str(outcomes.file, 'outcomes.file', true);
  if (typeof outcomes.file === 'string' && !isPlainFileName(outcomes.file))
    c.fail('outcomes.file', 'a file name in the report folder', outcomes.file.slice(0, 60));
  c.arr(r.warnings, 'warnings').forEach((w, i) => c.str(w, `warnings[${i}]`));
  if (r.live !== undefined) checkLive(c, c.obj(r.live, 'live'));
  if (r.backend !== undefined) checkBackend(c, c.obj(r.backend, 'backend'));
  checkRun(c, c.obj(r.run, 'run'));
}

/** The run's host facts: merge adds them up (a string there would be concatenated into output). */
function checkRun(c: Checker, run: Obj): void {
  for (const k of ['startedAt', 'node', 'platform'] as const) c.str(run[k], `run.${k}`);
  for (const k of ['wallMs', 'workers', 'eventsProcessed'] as const) c.num(run[k], `run.${k}`);
  c.str(run.outDir, 'run.outDir', true);
}

/** live.connectErrors (live reports only): reason, detail and count, rendered as text. */
function checkLive(c: Checker, live: Obj): void {
  c.arr(live.connectErrors, 'live.connectErrors').forEach((v, i) => {
    const path = `live.connectErrors[${i}]`;
    const e = c.obj(v, path);
    c.str(e.reason, `${path}.reason`);
    c.str(e.detail, `${path}.detail`);
    c.num(e.count, `${path}.count`);
  });
}

/** A virtual run's calibration (`backend: { from: }`) and the prediction-error record it states. */
function checkBackend(c: Checker, b: Obj): void {
  const path = 'backend.calibration';
  const k = c.obj(b.calibration, path);
  for (const f of ['file', 'takenAt', 'stoppedBy'] as const) c.str(k[f], `${path}.${f}`);
  const mqtt = c.arr(c.obj(k.targets, `${path}.targets`).mqtt, `${path}.targets.mqtt`);
  mqtt.forEach((u, i) => c.str(u, `${path}.targets.mqtt[${i}]`));
  const p = c.obj(k.predictionError, `${path}.predictionError`);
  for (const f of ['benchDate', 'command'] as const) c.str(p[f], `${path}.predictionError.${f}`);
  checkPredictionGroup(c, p, `${path}.predictionError`);
  // absent in reports written before the checks were told apart by bottleneck
  if (p.generatorBound !== undefined && p.generatorBound !== null)
    checkPredictionGroup(
      c,
      c.obj(p.generatorBound, `${path}.predictionError.generatorBound`),
      `${path}.predictionError.generatorBound`,
    );
}

function checkPredictionGroup(c: Checker, p: Obj, path: string): void {
  c.num(p.withinPct, `${path}.withinPct`, true);
  c.num(p.liveDevices, `${path}.liveDevices`);
  const q = c.obj(p.byQuantity, `${path}.byQuantity`);
  for (const [name, v] of Object.entries(q)) c.num(v, `${path}.byQuantity.${name}`, true);
  c.arr(p.shapes, `${path}.shapes`).forEach((v, i) => c.str(v, `${path}.shapes[${i}]`));
}

/** Validates parsed JSON as a report; `where` names the source in errors. */
export function validateReport(value: unknown, where: string): Report {
  const c = new Checker(where);
  const r = c.obj(value, '(top level)');
  checkHeader(c, r);
  checkScenarioShape(c, c.obj(r.scenario, 'scenario'));
  checkMetrics(c, c.obj(r.metrics, 'metrics'));
  checkSeries(c, c.obj(r.series, 'series'));
  checkRest(c, r);
  return upgradeReport(value as Report);
}

export function parseReport(text: string, where: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ToolError('FLEETSTORM_ERR_REPORT_INPUT', `not valid JSON: ${(e as Error).message}`, {
      where,
      fix: 'pass the report.json written by `fleetstorm run`',
    });
  }
  return validateReport(value, where);
}

async function readText(path: string): Promise<{ text: string; path: string }> {
  try {
    // A FIFO or a device (/dev/zero) would block or never end: regular files only.
    const st = await stat(path);
    if (!st.isFile() && !st.isDirectory()) {
      throw new ToolError('FLEETSTORM_ERR_REPORT_INPUT', 'not a regular file', {
        where: path,
        got: 'a FIFO, socket or device',
        fix: 'pass a report.json, or the report directory that holds it',
      });
    }
    return { text: await readFile(path, 'utf8'), path };
  } catch (e) {
    if (e instanceof ToolError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    // A report directory stands for the report.json inside it.
    if (code === 'EISDIR') return readText(join(path, 'report.json'));
    const what = code === 'ENOENT' ? 'file not found' : `cannot read the file (${code})`;
    throw new ToolError('FLEETSTORM_ERR_REPORT_INPUT', what, {
      where: path,
      fix: 'pass a report.json, or the report directory that holds it',
    });
  }
}

/** Reads and validates a report.json (or the report.json inside a report directory). */
export async function readReport(path: string): Promise<Report> {
  return (await readReportAt(path)).report;
}

/** readReport, and the directory the report.json was found in (its sibling files live there). */
export async function readReportAt(path: string): Promise<{ report: Report; dir: string }> {
  const file = await readText(path);
  return { report: parseReport(file.text, file.path), dir: dirname(file.path) };
}
