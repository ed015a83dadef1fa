// A virtual run whose backend comes from a calibration says so in its report: which file, when
// it was taken, against what, and how far predictions from a calibration have been from live
// measurements, with the figures of the calibration benchmark's record
// (src/backend-model/prediction-record.ts). A run without one says none of it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PREDICTION_RECORD,
  predictionErrorLine,
  predictionErrorReport,
} from '../../src/backend-model/prediction-record.js';
import { runResolved } from '../../src/app/run.js';
import { mergeReports } from '../../src/reports/merge.js';
import { validateReport } from '../../src/reports/read-report.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { loadScenario } from '../../src/scenario/index.js';

const CALIBRATION = `# Written by fleetstorm calibrate
calibration:
  taken-at: "2026-11-27T20:31:04.120Z"
  fleetstorm-version: "0.1.0"
  targets:
    mqtt: ["mqtt://broker.staging.test:1883"]
  stopped-by: knee
  fits:
    connect.rate: { value: 400, low: 350, high: 450, unit: "/s", steps: 5 }
backend:
  connect: { rate: 400/s, burst: 100, queue: 500, latency: { p50: 3ms, p99: 30ms } }
  ingest: { rate: 5000/s, queue: 5000, latency: { p50: 4ms, p99: 40ms } }
`;

const scenario = (backend: string): string => `name: calibrated-report
seed: 3
mode: virtual
duration: 3m
fleet:
  - device: gateway
    count: 300
power-on: { spread: 30s }
${backend}
faults:
  - { type: backend-outage, at: 1m, duration: 20s }
`;

let dir = '';
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
  dir = '';
});

async function run(backend: string) {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-calibrated-report-'));
  await writeFile(join(dir, 'backend.calibrated.yaml'), CALIBRATION);
  await writeFile(join(dir, 'storm.yaml'), scenario(backend));
  const s = await loadScenario(join(dir, 'storm.yaml'));
  const { report } = await runResolved(s, { noFiles: true });
  return report;
}

async function runShard(index: number) {
  const s = await loadScenario(join(dir, 'storm.yaml'));
  const { report } = await runResolved({ ...s, shard: { index, count: 2 } }, { noFiles: true });
  return report;
}

describe('a virtual run from a calibration', () => {
  it('names the calibration and states the benchmark prediction error from the record', async () => {
    const report = await run('backend: { from: ./backend.calibrated.yaml }');
    const c = report.backend?.calibration;
    expect(c?.takenAt).toBe('2026-11-27T20:31:04.120Z');
    expect(c?.targets.mqtt).toEqual(['mqtt://broker.staging.test:1883']);
    expect(c?.stoppedBy).toBe('knee');
    expect(c?.file).toContain('backend.calibrated.yaml');
    expect(c?.predictionError).toEqual(predictionErrorReport());
    expect(c?.predictionError.benchDate).toBe(PREDICTION_RECORD.benchDate);
    const summary = renderSummary(report);
    expect(summary).toContain('backend: calibrated from ');
    expect(summary).toContain('taken 2026-11-27T20:31:04.120Z against mqtt://broker.staging.test:1883');
    expect(summary).toContain(predictionErrorLine(predictionErrorReport(PREDICTION_RECORD)));
    expect(summary).toContain(
      'of live measurements in the calibration benchmark where the backend was the bottleneck',
    );
    // report.json read back (report render): the section is checked, and a broken one named
    const back = validateReport(JSON.parse(JSON.stringify(report)), 'report.json');
    expect(back.backend?.calibration.predictionError).toEqual(predictionErrorReport());
    // shards of a calibrated run merge into a report that still says it
    const shards = await Promise.all([0, 1].map((i) => runShard(i)));
    expect(mergeReports(shards).backend?.calibration.predictionError).toEqual(predictionErrorReport());
    // a report written before the checks were told apart by bottleneck has no generatorBound
    const { generatorBound, ...older } = c!.predictionError;
    expect(generatorBound?.withinPct).toBeGreaterThan(0);
    const old = { ...report, backend: { calibration: { ...c, predictionError: older } } };
    expect(validateReport(JSON.parse(JSON.stringify(old)), 'report.json').backend).toBeDefined();
    const badGroup = { ...c!.predictionError, generatorBound: { ...generatorBound, withinPct: 'x' } };
    const bad = { ...report, backend: { calibration: { ...c, predictionError: badGroup } } };
    expect(() => validateReport(JSON.parse(JSON.stringify(bad)), 'report.json')).toThrow(
      /backend\.calibration\.predictionError\.generatorBound\.withinPct/,
    );
    const broken = { ...report, backend: { calibration: { ...c, takenAt: 7 } } };
    expect(() => validateReport(JSON.parse(JSON.stringify(broken)), 'report.json')).toThrow(
      /backend\.calibration\.takenAt/,
    );
  }, 60_000);

  it('a run with a backend written by hand carries no calibration and no statement', async () => {
    const report = await run('backend: { connect: { rate: 400/s } }');
    expect(report.backend).toBeUndefined();
    expect(renderSummary(report)).not.toContain('calibration benchmark');
  }, 60_000);
});
