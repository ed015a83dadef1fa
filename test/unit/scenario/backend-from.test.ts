// `backend: { from: … }` in a scenario and in a profile: the calibrated figures are used, fields
// written beside `from:` win, sections the calibration left out keep the scenario's values.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWarnings } from '../../../src/reports/run-warnings.js';
import { loadScenario } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const CALIBRATION = [
  'calibration:',
  '  taken-at: "2026-11-27T20:31:04.120Z"',
  '  fleetstorm-version: "0.9.0"',
  '  targets: { mqtt: ["mqtt://broker.staging.test:1883"] }',
  '  stopped-by: cap',
  '  fits:',
  '    connect.rate: { value: 2400, low: 2210, high: 2590, unit: "/s", steps: 7 }',
  'backend:',
  '  connect: { rate: 2400/s, burst: 300, queue: 800, max-sessions: 5000, latency: { p50: 1ms, p99: 4ms } }',
  '  ingest: { rate: 61000/s, queue: 20000, latency: 0.4ms..2ms }',
  '',
].join('\n');

const FILES: Record<string, string> = {
  'cal/backend.calibrated.yaml': CALIBRATION,
  'scenarios/from.yaml': [
    'name: from',
    'fleet: [{ device: sensor, count: 10 }]',
    'backend:',
    '  from: ../cal/backend.calibrated.yaml',
    '  connect: { queue: 50 }',
    '  checkin: { rate: 700/s }',
    '',
  ].join('\n'),
  'scenarios/own.yaml': [
    'name: own',
    'fleet: [{ device: sensor, count: 10 }]',
    'backend: { connect: { rate: 10/s }, checkin: { rate: 700/s } }',
    '',
  ].join('\n'),
  'scenarios/missing.yaml':
    'name: missing\nfleet: [{ device: sensor, count: 10 }]\nbackend: { from: nope.yaml }\n',
  'profiles/calibrated.yaml': 'backend:\n  from: ../cal/backend.calibrated.yaml\n  ingest: { queue: 7 }\n',
  'profiles/plain.yaml': 'backend: { connect: { burst: 9 } }\n',
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-from-'));
  for (const sub of ['cal', 'scenarios', 'profiles']) await mkdir(join(dir, sub));
  for (const [path, text] of Object.entries(FILES)) await writeFile(join(dir, path), text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const load = (name: string, profile?: string) =>
  loadScenario(join(dir, 'scenarios', `${name}.yaml`), { env: {}, ...(profile ? { profile } : {}) });

describe('backend.from', () => {
  it('takes the calibrated figures, relative to the scenario, with the fields beside it winning', async () => {
    const s = await load('from');
    const b = s.backend;
    expect(b.connect.ratePerSec).toBe(2400);
    expect(b.connect.burst).toBe(300);
    expect(b.connect.maxSessions).toBe(5000);
    expect(b.connect.queueLimit).toBe(50); // written beside from:
    expect(b.connect.latencyDistUs).toEqual({ p50: 1000, p99: 4000 });
    expect(b.ingest.ratePerSec).toBe(61000);
    expect(b.ingest.latencyUs).toEqual({ min: 400, max: 2000 });
    expect(b.checkin.ratePerSec).toBe(700);
    expect(b.calibration).toEqual({
      file: join(dir, 'scenarios', '../cal/backend.calibrated.yaml'),
      takenAt: '2026-11-27T20:31:04.120Z',
      targets: { mqtt: ['mqtt://broker.staging.test:1883'] },
      stoppedBy: 'cap',
    });
  });

  it('a scenario without from: carries no calibration and no new fields', async () => {
    const b = (await load('own')).backend;
    expect(b.calibration).toBeUndefined();
    expect(b.brokers).toBeUndefined();
    expect(b.connect.latencyDistUs).toBeUndefined();
  });

  it("a profile's from: goes over the scenario's figures, relative to the profile", async () => {
    const s = await load('own', join(dir, 'profiles', 'calibrated.yaml'));
    expect(s.backend.connect.ratePerSec).toBe(2400); // calibrated over the scenario's 10/s
    expect(s.backend.ingest.queueLimit).toBe(7); // the profile's own field wins
    expect(s.backend.checkin.ratePerSec).toBe(700); // not calibrated: the scenario's
    expect(s.backend.calibration?.file).toBe(join(dir, 'profiles', '../cal/backend.calibrated.yaml'));
  });

  it("a profile's plain backend fields replace the scenario's one by one", async () => {
    const s = await load('from', join(dir, 'profiles', 'plain.yaml'));
    expect(s.backend.connect.burst).toBe(9);
    expect(s.backend.connect.queueLimit).toBe(50);
    expect(s.backend.calibration?.stoppedBy).toBe('cap');
  });

  it('a live run says the calibration plays no part; a virtual one does not', async () => {
    const warn = async (mode: 'live' | 'virtual') => {
      const scenario = await loadScenario(join(dir, 'scenarios', 'from.yaml'), {
        env: {},
        overrides: { mode },
      });
      const metrics = { counters: {}, histograms: {}, derived: {} };
      return runWarnings({ scenario, faults: [], metrics, status: 'completed' });
    };
    expect((await warn('live')).filter((w) => w.includes('backend.from'))).toEqual([
      `backend.from (${join(dir, 'scenarios', '../cal/backend.calibrated.yaml')}) is ignored in live mode: the modelled backend applies to virtual runs only`,
    ]);
    expect((await warn('virtual')).filter((w) => w.includes('backend.from'))).toEqual([]);
  });

  it('a missing calibration file names the scenario field', async () => {
    const e = await toolErrorOf(load('missing'));
    expect(e.code).toBe('FLEETSTORM_ERR_CALIBRATION');
    expect(e.where).toMatch(/missing\.yaml: backend\.from$/);
  });
});
