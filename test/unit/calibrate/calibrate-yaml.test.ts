// backend.calibrated.yaml as written: valid against the calibration schema
// (src/backend-model/calibration-file.ts), no credentials or query strings in its URLs, and
// loadable as a scenario's `backend: { from: }` with the fitted figures in the resolved backend.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCalibration } from '../../../src/backend-model/calibration-file.js';
import { calibrationYaml, strippedUrl } from '../../../src/calibrate/calibration-yaml.js';
import { calibrationJson } from '../../../src/calibrate/write.js';
import type { CalibrationResult } from '../../../src/calibrate/types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const RESULT: CalibrationResult = {
  takenAt: '2026-11-27T20:31:04.120Z',
  targets: {
    mqtt: ['mqtt://observer:s3cret-pw@broker.staging.test:1883/?x=1'],
    http: 'http://api.staging.test:8080/',
  },
  stoppedBy: 'knee',
  probes: [],
  fits: {
    'connect.rate': { value: 2400, low: 2210, high: 2590, unit: '/s', steps: 7, method: 'm' },
    'connect.max-sessions': {
      value: 5000,
      low: 5000,
      high: null,
      unit: '',
      steps: 3,
      bound: 'lower',
      method: 'm',
    },
    'connect.latency.p50': { value: 0.8, low: 0.7, high: 0.9, unit: 'ms', steps: 6, method: 'm' },
    'ota.bandwidth': {
      value: 1.2e8,
      low: 1.2e8,
      high: null,
      unit: 'B/s',
      steps: 4,
      bound: 'lower',
      method: 'm',
    },
  },
  backend: {
    connect: {
      rate: '2400/s',
      burst: 300,
      queue: 800,
      'max-sessions': 5000,
      latency: { p50: '0.8ms', p99: '3.1ms' },
    },
    ingest: { rate: '61000/s', queue: 20000, latency: { p50: '0.4ms', p99: '2ms' } },
    checkin: { rate: '900/s', queue: 64, latency: { p50: '4ms', p99: '20ms' } },
    ota: { bandwidth: 120000000, 'max-concurrent-downloads': 32 },
  },
  notes: [],
};

describe('backend.calibrated.yaml', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('validates against the calibration schema, URLs stripped', () => {
    const text = calibrationYaml(RESULT, '0.1.0');
    const file = parseCalibration(parse(text), 'backend.calibrated.yaml');
    expect(file.calibration.targets).toEqual({
      mqtt: ['mqtt://broker.staging.test:1883'],
      http: 'http://api.staging.test:8080',
    });
    expect(file.calibration['stopped-by']).toBe('knee');
    expect(file.calibration.fits['connect.max-sessions']).toMatchObject({ bound: 'lower', high: null });
    expect(file.backend.connect.burst).toBe(300);
    expect(text).not.toContain('s3cret');
    expect(calibrationJson(RESULT, '0.1.0')).not.toContain('s3cret');
  });

  it('loads as a scenario backend through `from:`, fields beside it overriding', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetstorm-cal-'));
    const path = join(dir, 'backend.calibrated.yaml');
    writeFileSync(path, calibrationYaml(RESULT, '0.1.0'));
    const s = await resolveScenarioObject(
      {
        name: 'from-calibration',
        duration: '1m',
        fleet: [{ device: 'sensor', count: 10 }],
        backend: { from: path, ingest: { rate: '1000/s' } },
      },
      'from-calibration (in memory)',
      { env: {} },
    );
    expect(s.backend.connect.ratePerSec).toBe(2400);
    expect(s.backend.connect.maxSessions).toBe(5000);
    expect(s.backend.ingest.ratePerSec).toBe(1000);
    expect(s.backend.ota.maxConcurrentDownloads).toBe(32);
  });

  it('strips credentials, query and fragment from a URL', () => {
    expect(strippedUrl('mqtts://u:p@b.test:8883/mqtt?token=1#x')).toBe('mqtts://b.test:8883/mqtt');
  });
});
