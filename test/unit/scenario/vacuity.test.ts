// A rollout, wave, fault or threshold that cannot happen in the run is said before it runs:
// a warning, or under --strict (the ci profile) an error at load time.
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadScenario, resolveScenarioObject, validateFiles } from '../../../src/scenario/index.js';
import { planWarnings } from '../../../src/scenario/vacuity.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const texts = async (obj: unknown, strict?: boolean, devices?: number): Promise<string[]> => {
  const overrides = { ...(strict ? { strict } : {}), ...(devices ? { devices, scaleBackend: true } : {}) };
  const s = await resolveScenarioObject(obj, 'test', { env: {}, overrides });
  return planWarnings(s).map((w) => w.text);
};

const tracker8h = {
  name: 'tracker-8h',
  duration: '8h',
  fleet: [{ device: 'tracker', count: 200 }],
  rollout: { firmware: { version: '2.1.0', size: '1MiB' }, start: '1h', waves: ['100%'] },
  thresholds: ['ota_bricked_total == 0'],
};

describe('plan warnings', () => {
  it('lists the rollout and every fault of ota-rollout that the smoke profile leaves outside the run', async () => {
    const s = await loadScenario('scenarios/ota-rollout.yaml', { env: {}, profile: 'smoke' });
    expect(planWarnings(s).map((w) => w.text)).toEqual([
      'rollout 1.5.0 starts at 1h, after the run ends (10m): no device is offered it',
      'fault f0 (radio-drop during ota.downloading) can never start: no device gets the update in this run',
      'fault f1 (power-loss during ota.installing) can never start: no device gets the update in this run',
      'fault f2 (battery-flat at 6h) starts after the run ends (10m): never injected',
      'fault f3 (backend-outage at 12h) starts after the run ends (10m): never injected',
    ]);
  });

  it('sees that trackers polling every 12h hear of a rollout at 1h only after an 8h run', async () => {
    const w = await texts(tracker8h);
    expect(w[0]).toMatch(
      /^rollout 2\.1\.0 reaches no device before the run ends \(8h\): tracker devices check for updates every 12h/,
    );
    expect(w[1]).toBe(
      'threshold `ota_bricked_total == 0` is about a rollout, and no device gets the update in this run: it will fail with no data',
    );
    expect(await texts({ ...tracker8h, duration: '13h' })).toEqual([]);
  });

  it('names waves after the end, empty waves, selections of nobody and thresholds without a subject', async () => {
    const w = await texts(
      {
        name: 'x',
        duration: '4h',
        fleet: [{ device: 'sensor', count: 10000 }],
        'power-on': { spread: '10m' },
        rollout: {
          firmware: { version: '9.9.9', size: '1MiB' },
          start: '5m', // inside the power-on spread: devices check in at boot
          waves: [50, 100, 5000],
          'wave-interval': '2h',
        },
        faults: [
          { type: 'radio-drop', at: '1h', who: { device: 'sensor', firmware: '0.0.1' } },
          { type: 'power-loss', at: '1h', who: '0%' },
        ],
        thresholds: [
          'fleet_recovery_duration_us < 10m',
          { expr: 'outage_not_reconnected_total == 0', 'allow-empty': true },
        ],
      },
      undefined,
      100,
    );
    expect(w).toEqual([
      'rollout wave 1 (1 device) adds no device: waves are cumulative and wave 0 already reaches 1 device',
      'rollout wave 2 (50 devices) starts at 4h5m, after the run ends (4h)',
      'fault f0 (radio-drop at 1h) selects no device: no device runs firmware 0.0.1',
      'fault f1 (power-loss at 1h) selects no device: its share is 0%',
      'threshold `fleet_recovery_duration_us < 10m` is about a backend outage, and none falls inside the run: it will fail with no data',
    ]);
  });

  it('a loss threshold without any telemetry buffer', async () => {
    const doc = (telemetry: Record<string, unknown>) => ({
      name: 'x',
      duration: '1h',
      fleet: [{ device: { name: 'm', extends: 'gateway', telemetry }, count: 10 }],
      thresholds: ['telemetry_loss_ratio < 1%'],
    });
    expect(await texts(doc({}))).toEqual([
      'threshold `telemetry_loss_ratio < 1%` is about offline buffers, and no device type has `telemetry.buffer`: it will fail with no data',
    ]);
    expect(await texts(doc({ buffer: { capacity: 10 } }))).toEqual([]);
  });

  it('refuses them under --strict with exit 2, naming the field', async () => {
    const e = await toolErrorOf(texts(tracker8h, true));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_VACUOUS');
    expect(e.exitCode).toBe(2);
    expect(e.toLine()).toContain('test: rollout.start: rollout 2.1.0 reaches no device');
    expect(e.toLine()).toContain('(and 1 more)');
  });

  it('is strict under the ci profile, and every shipped scenario passes it', async () => {
    const e = await toolErrorOf(
      resolveScenarioObject({ ...tracker8h, duration: '8h' }, 'test', { env: {}, profile: 'ci' }),
    );
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_VACUOUS');
    for (const name of [
      'battery-drain',
      'ota-rollout',
      'ota-radio-drops',
      'release-gate',
      'reconnect-storm',
    ]) {
      await expect(loadScenario(`scenarios/${name}.yaml`, { env: {}, profile: 'ci' })).resolves.toBeDefined();
    }
  });

  it('are listed by validate, file and field first, for a file that is otherwise valid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-vacuity-'));
    try {
      const file = join(dir, 'tracker-8h.yaml');
      await writeFile(file, stringify(tracker8h));
      const [r] = await validateFiles([file, 'scenarios/ota-rollout.yaml']);
      expect(r?.ok).toBe(true);
      const first = r?.warnings?.[0] ?? '';
      expect(first.startsWith(`${file}: rollout.start: rollout 2.1.0 reaches no device`), first).toBe(true);
      const shipped = await validateFiles(['scenarios/ota-rollout.yaml', 'scenarios/reconnect-storm.yaml']);
      expect(shipped.flatMap((x) => x.warnings ?? [])).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
