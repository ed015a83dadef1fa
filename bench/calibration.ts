// Proves the calibrated backend model (issue 15, item 4). For each broker shape: calibrate it at
// small scale (`fleetstorm calibrate`, at most --calibrate-max connections, against one broker),
// run the reconnect storm of scenarios/reconnect-storm.yaml live at the largest scale this
// machine holds (several brokers, several device processes), run the same storm in virtual mode
// from the calibration, and print predicted vs measured with the error in %. One JSON line per
// shape on stdout, the last one with every shape.
//   npx tsx bench/calibration.ts                              mosquitto, rabbitmq, shaped at 51,000 devices
//   npx tsx bench/calibration.ts --shape mosquitto --devices 3000
//   npx tsx bench/calibration.ts --work DIR --reuse-live     calibrate and predict again, live runs kept in DIR
//   npx tsx bench/calibration.ts --calibration FILE --brokers 6   reuse a calibration, 6 brokers live
//   npx tsx bench/calibration.ts --calibrate-all --brokers 6     calibrate the 6 brokers together
//     (each alone and all at once: brokers on one host share its cores, backend.shared.connect)
//   ... --track-in-flight                                  the virtual run follows QoS 1 to PUBACK
//   npx tsx bench/calibration.ts --shape throttled --connect-rate 400 --duration 320
//     mosquitto behind a 400 connects/s limit per broker, a 320 s storm
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SHAPES, brokerCount, shapeAvailable, startBrokers, type ShapeName } from './lib/broker-shapes.js';
import { errorPercent, FIGURE_KEYS, stormFigures, type StormFigures } from './lib/storm-figures.js';
import { calibrate, liveStorm, readReport, virtualStorm } from './lib/storm-runs.js';
import { STORM_DEFAULTS, type StormShape } from './lib/storm-scenario.js';

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'all' },
    devices: { type: 'string', default: '51000' },
    /** The throttled shape's connects/s per broker. */
    'connect-rate': { type: 'string' },
    /** Length of the storm run (s); the outage stays at 110-130 s. */
    duration: { type: 'string' },
    'calibrate-max': { type: 'string', default: '5000' },
    calibration: { type: 'string' },
    /** Brokers of the shape to spread the live devices over (default: by the shape's per-broker share). */
    brokers: { type: 'string' },
    /** Keep each shape's runs in DIR/<shape>; with --reuse-live a live report already there is used. */
    work: { type: 'string' },
    'reuse-live': { type: 'boolean', default: false },
    /** Calibrate every broker of the live run (joint probe), not only the first. */
    'calibrate-all': { type: 'boolean', default: false },
    /** backend.mqtt.track-in-flight in the virtual runs (live mode's client tracks QoS 1 in flight). */
    'track-in-flight': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    /** Live devices per device process (default DEVICES_PER_PROCESS). */
    'per-process': { type: 'string' },
  },
});

interface ShapeResult {
  shape: ShapeName;
  devices: number;
  brokers: number;
  processes: number;
  calibration: string | null;
  measured: StormFigures | null;
  predicted: StormFigures | null;
  errorPct: Record<string, number | null>;
  notes: string[];
}

function fmt(v: number | null, digits = 1): string {
  return v === null ? 'n/a' : v.toFixed(digits);
}

function printTable(r: ShapeResult): void {
  console.log(
    `\n${r.shape}: ${r.devices} devices live over ${r.brokers} broker(s), ${r.processes} processes`,
  );
  console.log('figure              measured   predicted   error');
  const pct = (e: number | null): string =>
    e === null ? '    n/a' : `${e >= 0 ? '+' : ''}${e.toFixed(0)} %`.padStart(7);
  for (const k of FIGURE_KEYS) {
    const m = r.measured?.[k] ?? null;
    const p = r.predicted?.[k] ?? null;
    console.log(`${k.padEnd(18)} ${fmt(m).padStart(9)} ${fmt(p).padStart(11)} ${pct(r.errorPct[k] ?? null)}`);
  }
  for (const n of r.notes) console.log(`  note: ${n}`);
}

async function oneShape(shape: ShapeName, storm: StormShape, dir: string): Promise<ShapeResult> {
  const brokers = values.brokers !== undefined ? Number(values.brokers) : brokerCount(shape, storm.devices);
  if (!Number.isInteger(brokers) || brokers < 1)
    throw new Error(`--brokers: a whole number of brokers of 1 or more (got ${values.brokers})`);
  const result: ShapeResult = {
    shape,
    devices: storm.devices,
    brokers,
    processes: 0,
    calibration: null,
    measured: null,
    predicted: null,
    errorPct: {},
    notes: [],
  };
  process.stderr.write(`[bench] ${shape}: starting ${brokers} broker(s)\n`);
  const rate = values['connect-rate'] === undefined ? undefined : Number(values['connect-rate']);
  if (rate !== undefined && !(rate > 0)) throw new Error(`--connect-rate: connects/s above 0 (got ${rate})`);
  const b = await startBrokers(shape, brokers, rate);
  try {
    if (values.calibration !== undefined) result.calibration = values.calibration;
    else {
      const urls = values['calibrate-all'] ? b.urls : b.urls.slice(0, 1);
      process.stderr.write(`[bench] ${shape}: calibrating ${urls.join(' ')}\n`);
      const c = await calibrate(dir, urls, Number(values['calibrate-max']));
      if (c.cli.code === 0) result.calibration = c.file;
      else
        result.notes.push(
          `calibrate exited ${c.cli.code}: ${c.cli.stderrTail.trim().split('\n').at(-1) ?? ''}`,
        );
    }
    const reuse = values['reuse-live'] && existsSync(join(dir, 'live', 'report.json'));
    process.stderr.write(
      `[bench] ${shape}: live storm, ${storm.devices} devices${reuse ? ' (reused)' : ''}\n`,
    );
    const live = reuse
      ? { report: await readReport(join(dir, 'live'), { code: 0, stderrTail: '' }), processes: 0 }
      : await liveStorm(
          dir,
          storm,
          b.urls,
          values['per-process'] === undefined ? undefined : Number(values['per-process']),
        );
    if (reuse) live.processes = live.report.scenario.live.processes;
    result.processes = live.processes;
    result.measured = stormFigures(live.report, storm.telemetryS * 1e6);
    if (live.report.status !== 'completed')
      result.notes.push(`live run ${live.report.status}: ${live.report.statusReason ?? ''}`);
    for (const w of live.report.warnings) result.notes.push(`live warning: ${w}`);
  } finally {
    await b.stop();
  }
  if (result.calibration !== null) {
    process.stderr.write(`[bench] ${shape}: virtual storm from ${result.calibration}\n`);
    const mqtt = values['track-in-flight'] ? { 'track-in-flight': true } : undefined;
    const v = await virtualStorm(dir, storm, result.calibration, brokers, mqtt);
    result.notes.push(...v.notes);
    if (v.cli.code !== 0 && v.cli.code !== 1)
      result.notes.push(
        `virtual run exited ${v.cli.code}: ${v.cli.stderrTail.trim().split('\n').at(-1) ?? ''}`,
      );
    else result.predicted = stormFigures(v.report, storm.telemetryS * 1e6);
  }
  for (const k of FIGURE_KEYS) {
    result.errorPct[k] = errorPercent(result.predicted?.[k] ?? null, result.measured?.[k] ?? null);
  }
  return result;
}

async function main(): Promise<void> {
  const shapes = values.shape === 'all' ? [...SHAPES] : (values.shape ?? '').split(',');
  const storm: StormShape = { ...STORM_DEFAULTS, devices: Number(values.devices) };
  if (values.duration !== undefined) storm.durationS = Number(values.duration);
  if (!(storm.durationS > storm.outageAtS + storm.outageS))
    throw new Error(`--duration: seconds past the outage's end (${storm.outageAtS + storm.outageS} s)`);
  const results: ShapeResult[] = [];
  for (const name of shapes) {
    if (!(SHAPES as readonly string[]).includes(name))
      throw new Error(`unknown shape ${name} (${SHAPES.join(', ')})`);
    const shape = name as ShapeName;
    if (!shapeAvailable(shape)) {
      console.log(`${shape}: not installed, skipped`);
      continue;
    }
    const dir =
      values.work !== undefined
        ? join(values.work, shape)
        : await mkdtemp(join(tmpdir(), `fleetstorm-calibration-${shape}-`));
    await mkdir(dir, { recursive: true });
    try {
      const r = await oneShape(shape, storm, dir);
      results.push(r);
      printTable(r);
      console.log(JSON.stringify({ case: `calibration-${shape}`, ...r }));
    } finally {
      if (values.keep || values.work !== undefined) process.stderr.write(`[bench] kept ${dir}\n`);
      else await rm(dir, { recursive: true, force: true });
    }
  }
  const worst: Record<string, number | null> = {};
  for (const k of FIGURE_KEYS) {
    const errs = results.map((r) => r.errorPct[k]).filter((e): e is number => e !== null && e !== undefined);
    worst[k] = errs.length === 0 ? null : Math.max(...errs.map(Math.abs));
  }
  console.log(
    JSON.stringify({ case: 'calibration', devices: storm.devices, worstAbsErrorPct: worst, shapes: results }),
  );
}

await main();
