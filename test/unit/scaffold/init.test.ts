import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { isToolError } from '../../../src/errors/tool-error.js';
import { scaffoldScenario, type ScaffoldOptions } from '../../../src/scaffold/init.js';
import { roundUpNice } from '../../../src/scaffold/plan.js';
import { writeScaffoldFiles } from '../../../src/scaffold/write.js';
import { loadScenario } from '../../../src/scenario/index.js';

const base: ScaffoldOptions = {
  name: 'my-storm',
  devices: 20_000,
  rollout: true,
  mode: 'virtual',
  dir: 'scenarios',
};

function parsed(content: string): Record<string, any> {
  const doc = parseDocument(content);
  expect(doc.errors).toEqual([]);
  expect(doc.warnings).toEqual([]);
  return doc.toJS() as Record<string, any>;
}

const variants: [string, Partial<ScaffoldOptions>][] = [
  ['virtual mqtt with a rollout', {}],
  ['virtual mqtt without a rollout', { rollout: false }],
  ['virtual http with a rollout', { protocol: 'http' }],
  ['live mqtt with a rollout', { mode: 'live', devices: 200 }],
  ['live http without a rollout', { mode: 'live', devices: 50, protocol: 'http', rollout: false }],
];

describe('scaffoldScenario', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('writes the scenario and its device type next to each other', () => {
    const { files } = scaffoldScenario(base);
    expect(files.map((f) => f.path)).toEqual([
      join('scenarios', 'my-storm.yaml'),
      join('scenarios', 'devices', 'my-storm-device.yaml'),
    ]);
  });

  it('produces a commented scenario with the expected kebab-case keys', () => {
    const [scenario] = scaffoldScenario(base).files;
    const s = parsed(scenario!.content);
    expect(Object.keys(s)).toEqual([
      'name',
      'description',
      'seed',
      'duration',
      'mode',
      'fleet',
      'power-on',
      'backend',
      'rollout',
      'faults',
      'thresholds',
    ]);
    expect(s['fleet']).toEqual([{ device: 'my-storm-device', count: 20_000 }]);
    expect(Object.keys(s['rollout'])).toEqual([
      'firmware',
      'start',
      'waves',
      'wave-interval',
      'selector',
      'failure-limit',
    ]);
    expect(s['faults'].map((f: Record<string, string>) => f['type'])).toEqual([
      'backend-outage',
      'radio-drop',
      'power-loss',
    ]);
    expect(s['thresholds']).toContainEqual({ expr: 'ota_bricked_total == 0', abort: true });
    for (const section of ['fleet:', 'power-on:', 'backend:', 'rollout:', 'faults:', 'thresholds:']) {
      const lines = scenario!.content.split('\n');
      const at = lines.indexOf(section);
      expect(
        lines
          .slice(0, at)
          .reverse()
          .find((l) => l !== '' && !l.startsWith('  '))
          ?.startsWith('#'),
        section,
      ).toBe(true);
    }
  });

  it('produces a commented device type with every section', () => {
    const device = parsed(scaffoldScenario({ ...base, protocol: 'http' }).files[1]!.content);
    expect(Object.keys(device)).toEqual([
      'description',
      'firmware',
      'radio',
      'battery',
      'connectivity',
      'telemetry',
      'ota',
    ]);
    expect(device['connectivity'].mode).toBe('duty-cycle');
    expect(device['ota'].discovery).toBe('poll');
    expect(device['battery'].capacity).toBe('2600mAh');
  });

  it('leaves out what the answers exclude', () => {
    const noRollout = parsed(scaffoldScenario({ ...base, rollout: false }).files[0]!.content);
    expect(noRollout['rollout']).toBeUndefined();
    expect(noRollout['faults']).toHaveLength(1);
    const live = parsed(scaffoldScenario({ ...base, mode: 'live' }).files[0]!.content);
    expect(live['backend']).toBeUndefined();
    expect(live['live']).toEqual({ speed: 60, 'max-concurrent-connections': 20_000 });
  });

  it('sizes the connect rate to the fleet in round numbers', () => {
    expect([1, 7, 20, 21, 499, 501, 5_000].map(roundUpNice)).toEqual([1, 10, 20, 50, 500, 1_000, 5_000]);
    const big = parsed(scaffoldScenario({ ...base, devices: 1_000_000 }).files[0]!.content);
    expect(big['backend'].connect).toMatchObject({ rate: '5000/s', queue: 100_000 });
  });

  it.each(variants)('%s validates with the scenario loader', async (_, change) => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-init-'));
    dirs.push(dir);
    const { files } = scaffoldScenario({ ...base, ...change, dir });
    await writeScaffoldFiles(files);
    const s = await loadScenario(files[0]!.path, { env: {} });
    const devices = change.devices ?? base.devices;
    expect(s.name).toBe('my-storm');
    expect(s.fleet).toEqual([{ device: 'my-storm-device', count: devices, firmware: null }]);
    expect(s.deviceTypes['my-storm-device']?.firmware).toBe('1.0.0');
    expect(s.mode).toBe(change.mode ?? 'virtual');
    expect(s.rollout === null).toBe(change.rollout === false);
    expect(s.faults[0]?.type).toBe('backend-outage');
    expect(s.thresholds.length).toBeGreaterThanOrEqual(2);
    // every threshold is about something the run has (it loads under --strict), and an HTTP
    // fleet is judged on HTTP and duty-cycle metrics, not on MQTT ones
    await expect(
      loadScenario(files[0]!.path, { env: {}, overrides: { strict: true } }),
    ).resolves.toBeDefined();
    if (change.protocol === 'http') expect(s.thresholds.map((t) => t.expr).join(' ')).not.toContain('mqtt_');
  });

  it('never overwrites an existing file unless asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-init-'));
    dirs.push(dir);
    const { files } = scaffoldScenario({ ...base, dir });
    await writeFile(join(dir, 'my-storm.yaml'), 'edited\n');
    await expect(writeScaffoldFiles(files)).rejects.toMatchObject({
      code: 'FLEETSTORM_ERR_CLI_ARGUMENT',
      where: files[0]!.path,
    });
    await expect(readFile(files[1]!.path, 'utf8')).rejects.toThrow();
    await writeScaffoldFiles(files, true);
    await expect(readFile(files[0]!.path, 'utf8')).resolves.toBe(files[0]!.content);
  });

  it.each([
    [{ name: 'has space' }, '--name'],
    [{ devices: 0 }, '--devices'],
    [{ devices: 1.5 }, '--devices'],
    [{ deviceType: '../x' }, '--device-type'],
  ])('rejects %j as a usage error', (bad, where) => {
    try {
      scaffoldScenario({ ...base, ...bad });
      expect.unreachable();
    } catch (e) {
      expect(isToolError(e) && e.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
      expect(isToolError(e) && e.where).toBe(where);
    }
  });
});
