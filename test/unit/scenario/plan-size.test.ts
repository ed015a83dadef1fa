// Absurd plans are refused at load time with the estimate and the fix (hardening, findings 5
// and 7): a fleet that cannot fit in memory, an event count that never finishes, a duration
// beyond a year, telemetry faster than the engine's storm guard. Nothing is allocated first.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject, validateFiles } from '../../../src/scenario/index.js';
import type { ResolveObjectOptions } from '../../../src/scenario/index.js';
import { checkPlanSize, estimatePlan } from '../../../src/scenario/plan-size.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const DEVICES = { meter: { radio: { profile: 'wifi' }, telemetry: { interval: '5m' }, firmware: '1.0.0' } };

const resolveObj = (obj: unknown, opts: ResolveObjectOptions = {}) =>
  resolveScenarioObject(obj, 'mem.yaml', {
    env: {},
    deviceTypes: DEVICES,
    devicesDir: '/nonexistent',
    ...opts,
  });

const scenario = (extra: Record<string, unknown> = {}, count = 10) => ({
  name: 'plan',
  duration: '1h',
  fleet: [{ device: 'meter', count }],
  ...extra,
});

describe('memory', () => {
  it('refuses count: 1e12 at load time, naming the machine memory and the fix', async () => {
    const e = await toolErrorOf(resolveObj(scenario({}, 1e12)));
    expect(['FLEETSTORM_ERR_MEMORY', 'FLEETSTORM_ERR_PLAN_TOO_LARGE']).toContain(e.code);
    expect(e.fix).toMatch(/--shard/);
  });

  it.each([
    ['--devices', { overrides: { devices: 1e9 } }],
    ['FLEETSTORM_DEVICES', { env: { FLEETSTORM_DEVICES: '1000000000' } }],
  ])('refuses a fleet resized by %s beyond memory', async (_label, opts) => {
    const e = await toolErrorOf(resolveObj(scenario({ duration: '1m' }), opts as ResolveObjectOptions));
    expect(e.code).toBe('FLEETSTORM_ERR_MEMORY');
    expect(e.message).toMatch(/would need about [\d.]+ GiB; this machine has [\d.]+ GiB/);
    expect(e.exitCode).toBe(3);
  });

  it('refuses a profile with scale: 1000000 (15 GB RSS and a deaf Ctrl-C before)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-plan-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'huge.yaml'), 'scale: 1000000\n');
    const e = await toolErrorOf(resolveObj(scenario({}, 10_000), { profile: join(dir, 'huge.yaml') }));
    expect(['FLEETSTORM_ERR_MEMORY', 'FLEETSTORM_ERR_PLAN_TOO_LARGE']).toContain(e.code);
  });

  it('refuses scale: 1e308 (Infinity reached the integer split before)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-plan-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'inf.yaml'), 'scale: 1e308\n');
    const e = await toolErrorOf(resolveObj(scenario(), { profile: join(dir, 'inf.yaml') }));
    expect(e.code).toBe('FLEETSTORM_ERR_PLAN_TOO_LARGE');
    expect(e.where).toContain('scale');
  });

  it('counts bytes per device times the fleet, plus workers', async () => {
    const s = await resolveObj(scenario({}, 100_000));
    const one = estimatePlan(s, 1);
    const more = estimatePlan({ ...s, fleet: [{ device: 'meter', count: 200_000, firmware: null }] }, 1);
    expect(more.memoryBytes).toBeGreaterThan(one.memoryBytes);
    expect(estimatePlan(s, 8).memoryBytes).toBeGreaterThan(one.memoryBytes);
    expect(() => checkPlanSize(s, 'x', 1, 1024 ** 2)).toThrow(/this machine has 1 MiB/);
    expect(() => checkPlanSize(s, 'x', 1, 64 * 1024 ** 3)).not.toThrow();
  });

  it('a shard of the fleet needs only its share', async () => {
    const s = await resolveObj(scenario({}, 1_000_000));
    const whole = estimatePlan(s, 1).memoryBytes;
    const shard = estimatePlan({ ...s, shard: { index: 0, count: 10 } }, 1).memoryBytes;
    expect(shard).toBeLessThan(whole);
  });
});

describe('events and time', () => {
  it('refuses telemetry.interval: 1us (the engine would stop with an event storm)', async () => {
    const e = await toolErrorOf(
      resolveObj(scenario(), {
        deviceTypes: { meter: { ...DEVICES.meter, telemetry: { interval: '1us' } } },
      }),
    );
    expect(e.code).toBe('FLEETSTORM_ERR_PLAN_TOO_LARGE');
    expect(e.exitCode).toBe(2);
    expect(e.where).toContain('telemetry.interval');
  });

  it('counts every telemetry stream: a fast second stream is refused too', async () => {
    const telemetry = { interval: '5m', streams: [{}, { interval: '1us' }] };
    const e = await toolErrorOf(
      resolveObj(scenario(), { deviceTypes: { meter: { ...DEVICES.meter, telemetry } } }),
    );
    expect(e.code).toBe('FLEETSTORM_ERR_PLAN_TOO_LARGE');
  });

  it('refuses duration: 1000000000w', async () => {
    const e = await toolErrorOf(resolveObj(scenario({ duration: '1000000000w' })));
    expect(e.code).toBe('FLEETSTORM_ERR_PLAN_TOO_LARGE');
    expect(e.fix).toContain('366d');
  });

  it('refuses an event count that would run for days', async () => {
    const e = await toolErrorOf(resolveObj(scenario({ duration: '366d' }, 50_000_000)));
    expect(e.code).toBe('FLEETSTORM_ERR_PLAN_TOO_LARGE');
    expect(e.message).toBe('too many events to simulate');
  });
});

describe('every way in', () => {
  it('validate reports it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-plan-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'big.yaml');
    await writeFile(file, 'name: big\nfleet:\n  - { device: sensor, count: 1000000000000 }\n');
    const [r] = await validateFiles([file]);
    expect(r?.ok).toBe(false);
    expect(r?.error?.code).toMatch(/PLAN_TOO_LARGE|MEMORY/);
  });

  it('a resolved scenario (replay, run-resolved) is checked before the run', async () => {
    const s = await resolveObj(scenario());
    const e = await toolErrorOf(
      runResolved({ ...s, fleet: [{ device: 'meter', count: 1e11, firmware: null }] }, { noFiles: true }),
    );
    expect(e.code).toMatch(/PLAN_TOO_LARGE|MEMORY/);
  });
});
