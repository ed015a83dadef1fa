// defaults < scenario < profile < environment < CLI, for every setting each layer can change.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadScenario,
  type CliOverrides,
  type LoadOptions,
  type ResolvedScenario,
} from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const MIN = 60_000_000;
const H = 60 * MIN;

let dir = '';
const scenarioPath = (name: string) => join(dir, 'scenarios', `${name}.yaml`);

const FILES: Record<string, string> = {
  'scenarios/minimal.yaml':
    'name: minimal\nfleet:\n  - { device: sensor, count: 900 }\n  - { device: gateway, count: 100 }\n',
  'scenarios/full.yaml': [
    'name: full',
    'seed: 5',
    'duration: 2h',
    'workers: 3',
    'mode: virtual',
    'fleet:',
    '  - { device: sensor, count: 900 }',
    '  - { device: gateway, count: 100 }',
    'thresholds: [connect_failure_ratio < 1%]',
    'live: { speed: 10 }',
  ].join('\n'),
  'scenarios/explicit-interval.yaml':
    'name: e\nduration: 6h\ninterval: 10m\nfleet: [{ device: sensor, count: 10 }]\n',
  'profiles/layer.yaml': [
    'description: layer profile',
    'seed: 6',
    'duration: 3h',
    'workers: 4',
    'mode: live',
    'devices: 500',
    'speed: 20',
    'interval: 1m',
    'thresholds: [devices_total > 0]',
  ].join('\n'),
  'profiles/cap.yaml': 'max-devices: 50\nmax-duration: 30m\nscenario-thresholds: drop\n',
  'profiles/scale.yaml': 'scale: 10%\n',
  'profiles/misnamed.yaml': 'name: other\n',
  'profiles/mini.yaml': 'max-devices: 100\nscale-backend: true\n',
  'scenarios/absolute.yaml': [
    'name: absolute',
    'fleet: [{ device: gateway, count: 1000 }]',
    'backend:',
    '  connect: { rate: 1000/s, burst: 2000, queue: 5000, max-sessions: 1000 }',
    '  ingest: { rate: 10000/s, queue: 100000 }',
    '  checkin: { rate: 500/s, queue: 3 }',
    '  ota: { bandwidth: 1000MB/s, max-concurrent-downloads: 200 }',
    'rollout:',
    '  firmware: { version: 2.0.0, size: 1MiB }',
    '  waves: [50, 100%]',
    '  max-concurrent-downloads: 40',
    'faults:',
    '  - { type: radio-drop, at: 10m, who: { count: 30 } }',
    '  - { type: radio-drop, at: 20m, who: 10% }',
  ].join('\n'),
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-precedence-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ENV = {
  FLEETSTORM_SEED: '7',
  FLEETSTORM_DURATION: '4h',
  FLEETSTORM_WORKERS: '5',
  FLEETSTORM_MODE: 'virtual',
  FLEETSTORM_DEVICES: '400',
  FLEETSTORM_SPEED: '30',
  FLEETSTORM_INTERVAL: '2m',
};
const CLI: CliOverrides = {
  seed: 8,
  duration: '5h',
  workers: 6,
  mode: 'live',
  devices: 300,
  speed: 40,
  interval: '3m',
};

const total = (s: ResolvedScenario) => s.fleet.reduce((a, g) => a + g.count, 0);
const pick = (s: ResolvedScenario) => ({
  seed: s.seed,
  durationUs: s.durationUs,
  workers: s.workers,
  mode: s.mode,
  devices: total(s),
  speed: s.live.speed,
  intervalUs: s.intervalUs,
});

async function load(name: string, opts: LoadOptions = {}) {
  return loadScenario(scenarioPath(name), { env: {}, ...opts });
}

describe('precedence: each layer overrides the one below', () => {
  it('built-in defaults', async () => {
    expect(pick(await load('minimal'))).toEqual({
      seed: 1,
      durationUs: H,
      workers: 0,
      mode: 'virtual',
      devices: 1000,
      speed: 1,
      intervalUs: 15_000_000,
    });
  });

  it('scenario over built-in defaults', async () => {
    expect(pick(await load('full'))).toEqual({
      seed: 5,
      durationUs: 2 * H,
      workers: 3,
      mode: 'virtual',
      devices: 1000,
      speed: 10,
      intervalUs: 30_000_000,
    });
  });

  it('profile over scenario', async () => {
    const s = await load('full', { profile: 'layer' });
    expect(pick(s)).toEqual({
      seed: 6,
      durationUs: 3 * H,
      workers: 4,
      mode: 'live',
      devices: 500,
      speed: 20,
      intervalUs: MIN,
    });
    expect(s.profile).toBe('layer');
    expect(s.description).toBe('layer profile');
    expect(s.fleet.map((g) => g.count)).toEqual([450, 50]);
    expect(s.thresholds.map((t) => t.expr)).toEqual(['connect_failure_ratio < 1%', 'devices_total > 0']);
  });

  it('environment over profile', async () => {
    const s = await load('full', { profile: 'layer', env: ENV });
    expect(pick(s)).toEqual({
      seed: 7,
      durationUs: 4 * H,
      workers: 5,
      mode: 'virtual',
      devices: 400,
      speed: 30,
      intervalUs: 2 * MIN,
    });
  });

  it('CLI over environment', async () => {
    const s = await load('full', { profile: 'layer', env: ENV, overrides: CLI });
    expect(pick(s)).toEqual({
      seed: 8,
      durationUs: 5 * H,
      workers: 6,
      mode: 'live',
      devices: 300,
      speed: 40,
      intervalUs: 3 * MIN,
    });
    expect(s.fleet.map((g) => g.count)).toEqual([270, 30]);
  });
});

describe('precedence details', () => {
  it('FLEETSTORM_PROFILE selects a profile; the option wins over it', async () => {
    expect((await load('full', { env: { FLEETSTORM_PROFILE: 'scale' } })).profile).toBe('scale');
    expect((await load('full', { profile: 'layer', env: { FLEETSTORM_PROFILE: 'scale' } })).profile).toBe(
      'layer',
    );
  });

  it('a profile can cap devices and duration and drop the scenario thresholds', async () => {
    const s = await load('full', { profile: 'cap' });
    expect(total(s)).toBe(50);
    expect(s.durationUs).toBe(30 * MIN);
    expect(s.intervalUs).toBe(10_000_000);
    expect(s.thresholds).toEqual([]);
  });

  it('a cap from the profile gives way to an explicit count from a higher layer', async () => {
    expect(total(await load('full', { profile: 'cap', env: { FLEETSTORM_DEVICES: '800' } }))).toBe(800);
    expect(total(await load('full', { profile: 'cap', overrides: { devices: 700 } }))).toBe(700);
  });

  it('a profile can scale the fleet', async () => {
    const s = await load('full', { profile: 'scale' });
    expect(s.fleet.map((g) => g.count)).toEqual([90, 10]);
  });

  it('keeps an explicit scenario interval while it fits, else falls back to the default', async () => {
    expect((await load('explicit-interval', { overrides: { duration: '12h' } })).intervalUs).toBe(10 * MIN);
    expect((await load('explicit-interval', { overrides: { duration: '5m' } })).intervalUs).toBe(1_000_000);
  });

  it('takes targets and the shard from the environment and the CLI', async () => {
    const env = { FLEETSTORM_TARGET_MQTT: 'mqtt://a:1883, mqtt://b:1883', FLEETSTORM_SHARD: '1/4' };
    const s = await load('full', { env });
    expect(s.target.mqttUrls).toEqual(['mqtt://a:1883', 'mqtt://b:1883']);
    expect(s.shard).toEqual({ index: 1, count: 4 });
    const c = await load('full', {
      env,
      overrides: { targetMqtt: ['mqtts://c:8883'], targetHttp: 'https://d', shard: { index: 3, count: 4 } },
    });
    expect(c.target).toMatchObject({ mqttUrls: ['mqtts://c:8883'], httpUrl: 'https://d', resolve: {} });
    expect(c.shard).toEqual({ index: 3, count: 4 });
  });

  it('ignores empty environment variables', async () => {
    expect((await load('full', { env: { FLEETSTORM_SEED: '', FLEETSTORM_DEVICES: ' ' } })).seed).toBe(5);
  });
});

describe('errors from the layers', () => {
  it.each([
    [{ FLEETSTORM_SEED: 'abc' }, 'FLEETSTORM_SEED'],
    [{ FLEETSTORM_DEVICES: '0' }, 'FLEETSTORM_DEVICES'],
    [{ FLEETSTORM_DURATION: '15 minutes' }, 'FLEETSTORM_DURATION'],
    [{ FLEETSTORM_MODE: 'fast' }, 'FLEETSTORM_MODE'],
    [{ FLEETSTORM_SPEED: '-1' }, 'FLEETSTORM_SPEED'],
    [{ FLEETSTORM_TARGET_MQTT: 'http://x' }, 'FLEETSTORM_TARGET_MQTT'],
    [{ FLEETSTORM_SHARD: '4/4' }, 'FLEETSTORM_SHARD'],
    [{ FLEETSTORM_INTERVAL: '3h' }, 'FLEETSTORM_INTERVAL'],
  ])('environment %j → FLEETSTORM_ERR_ENV_OVERRIDE at %s', async (env, where) => {
    const err = await toolErrorOf(load('full', { env }));
    expect(err.code).toBe('FLEETSTORM_ERR_ENV_OVERRIDE');
    expect(err.where).toBe(where);
  });

  it.each([
    [{ devices: 0 }, '--devices'],
    [{ seed: -1 }, '--seed'],
    [{ workers: 1.5 }, '--workers'],
    [{ duration: '0s' }, '--duration'],
    [{ interval: '3h' }, '--interval'],
    [{ shard: { index: 2, count: 2 } }, '--shard'],
  ] as [CliOverrides, string][])('CLI %j → FLEETSTORM_ERR_CLI_ARGUMENT at %s', async (overrides, where) => {
    const err = await toolErrorOf(load('full', { overrides }));
    expect(err.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
    expect(err.where).toBe(where);
  });

  it('an unknown profile suggests the closest', async () => {
    const err = await toolErrorOf(load('full', { profile: 'layr' }));
    expect(err.code).toBe('FLEETSTORM_ERR_PROFILE');
    expect(err.fix).toContain('did you mean `layer`?');
  });

  it('a profile whose name does not match its file is rejected', async () => {
    const err = await toolErrorOf(load('full', { profile: 'misnamed' }));
    expect(err.code).toBe('FLEETSTORM_ERR_PROFILE');
    expect(err.where).toBe(`${join(dir, 'profiles', 'misnamed.yaml')}: name`);
  });
});

describe('scale-backend: a resized fleet as a miniature of the scenario', () => {
  it('scales capacity and absolute counts by new size / scenario size (profile)', async () => {
    const s = await load('absolute', { profile: 'mini' });
    expect(total(s)).toBe(100);
    expect(s.scaledFrom).toEqual({ devices: 1000, backend: true });
    expect(s.backend.connect).toMatchObject({
      ratePerSec: 100,
      burst: 200,
      queueLimit: 500,
      maxSessions: 100,
    });
    expect(s.backend.ingest).toMatchObject({ ratePerSec: 1000, queueLimit: 10_000 });
    expect(s.backend.checkin).toMatchObject({ ratePerSec: 50, queueLimit: 1 }); // never below 1
    expect(s.backend.ota).toEqual({ bandwidthBytesPerSec: 100_000_000, maxConcurrentDownloads: 20 });
    expect(s.rollout?.waves).toEqual([
      { ratio: null, count: 5 },
      { ratio: 1, count: null },
    ]);
    expect(s.rollout?.maxConcurrentDownloads).toBe(4);
    expect(s.faults.map((f) => [f.who.count, f.who.ratio])).toEqual([
      [3, null],
      [null, 0.1],
    ]);
  });

  it('keeps everything as written unless asked, and says the fleet was resized', async () => {
    const s = await load('absolute', { overrides: { devices: 100 } });
    expect(s.scaledFrom).toEqual({ devices: 1000, backend: false });
    expect(s.backend.connect.ratePerSec).toBe(1000);
    expect(s.faults[0]?.who.count).toBe(30);
  });

  it('follows precedence: the environment turns off what the profile turned on, the CLI back on', async () => {
    const env = { FLEETSTORM_SCALE_BACKEND: 'false' };
    const off = await load('absolute', { profile: 'mini', env });
    expect(off.scaledFrom).toEqual({ devices: 1000, backend: false });
    const on = await load('absolute', { profile: 'mini', env, overrides: { scaleBackend: true } });
    expect(on.backend.connect.ratePerSec).toBe(100);
  });

  it('does nothing to a fleet of the scenario size', async () => {
    const s = await load('absolute', { overrides: { scaleBackend: true } });
    expect(s.scaledFrom).toBeNull();
    expect(s.backend.connect.ratePerSec).toBe(1000);
  });

  it('rejects a value that is not a boolean, naming the variable', async () => {
    const e = await toolErrorOf(load('absolute', { env: { FLEETSTORM_SCALE_BACKEND: 'maybe' } }));
    expect(e.code).toBe('FLEETSTORM_ERR_ENV_OVERRIDE');
    expect(e.where).toBe('FLEETSTORM_SCALE_BACKEND');
  });
});
