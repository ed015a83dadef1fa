// The calibration file: the agreed format loads, and each mistake is one line naming the file,
// the field and a fix.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalibration, parseCalibration } from '../../../src/backend-model/calibration-file.js';
import { ToolError } from '../../../src/errors/tool-error.js';

export const GOOD_CALIBRATION = `# Written by fleetstorm calibrate
calibration:
  taken-at: "2026-11-27T20:31:04.120Z"
  fleetstorm-version: "0.9.0"
  targets:
    mqtt: ["mqtt://broker.staging.test:1883"]
    http: "http://api.staging.test:8080"
  stopped-by: knee
  fits:
    connect.rate: { value: 2400, low: 2210, high: 2590, unit: "/s", steps: 7 }
    connect.max-sessions: { value: 5000, low: 5000, high: null, unit: "", steps: 3, bound: lower }
backend:
  connect: { rate: 2400/s, burst: 300, queue: 800, max-sessions: 5000, latency: 0.8ms..3.1ms }
  ingest: { rate: 61000/s, queue: 20000, latency: { p50: 0.6ms, p99: 2ms } }
`;

let dir = '';
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-calibration-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorOf(text: string): Promise<ToolError> {
  const path = join(dir, `c${++n}.yaml`);
  await writeFile(path, text);
  const e = await loadCalibration(path).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ToolError);
  return e as ToolError;
}

describe('calibration file', () => {
  it('loads the agreed format, filling backend defaults, keeping the raw section for merging', async () => {
    const path = join(dir, 'backend.calibrated.yaml');
    await writeFile(path, GOOD_CALIBRATION);
    const c = await loadCalibration(path);
    expect(c.file.calibration['stopped-by']).toBe('knee');
    expect(c.file.calibration.fits['connect.max-sessions']!.bound).toBe('lower');
    expect(c.file.backend.connect.rate).toBe('2400/s');
    expect(c.file.backend.checkin.rate).toBe('2000/s'); // not probed: the default
    expect(c.backendInput.checkin).toBeUndefined();
    expect(c.ref).toEqual({
      file: path,
      takenAt: '2026-11-27T20:31:04.120Z',
      targets: { mqtt: ['mqtt://broker.staging.test:1883'], http: 'http://api.staging.test:8080' },
      stoppedBy: 'knee',
    });
  });

  it('a bad backend field names the file, the field and a fix', async () => {
    const e = await errorOf(GOOD_CALIBRATION.replace('queue: 800', 'queue: -3'));
    expect(e.code).toBe('FLEETSTORM_ERR_CALIBRATION');
    expect(e.where).toMatch(/c\d+\.yaml: backend\.connect\.queue$/);
    expect(e.fix).toBeTruthy();
    expect(e.message.includes('\n')).toBe(false);
  });

  it('a bad stopped-by lists the allowed values', async () => {
    const e = await errorOf(GOOD_CALIBRATION.replace('stopped-by: knee', 'stopped-by: tired'));
    expect(e.where).toMatch(/calibration\.stopped-by$/);
    expect(`${e.message} ${e.fix ?? ''}`).toMatch(/knee/);
  });

  it('refuses a target with credentials', async () => {
    const e = await errorOf(GOOD_CALIBRATION.replace('mqtt://broker', 'mqtt://u:secret@broker'));
    expect(e.where).toMatch(/calibration\.targets\.mqtt\[0\]$/);
    expect(e.message).toMatch(/without credentials/);
  });

  it('a missing file is a calibration error naming who referred to it', async () => {
    const e = (await loadCalibration(join(dir, 'nope.yaml'), 's.yaml: backend.from').catch(
      (err: unknown) => err,
    )) as ToolError;
    expect(e.code).toBe('FLEETSTORM_ERR_CALIBRATION');
    expect(e.where).toBe('s.yaml: backend.from');
  });

  it('an unknown key suggests the right one', () => {
    let e: unknown;
    try {
      parseCalibration({ calibration: {}, backend: { conect: {} } }, 'x.yaml');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).code).toBe('FLEETSTORM_ERR_CALIBRATION');
  });
});
