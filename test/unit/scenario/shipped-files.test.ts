// Every file in scenarios/ and profiles/ loads and validates, every profile applies to every
// scenario, and the smoke profile makes every scenario tiny.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, validateFiles } from '../../../src/scenario/index.js';

const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));

const SCENARIOS = yamlIn('scenarios');
const DEVICES = yamlIn('scenarios/devices');
const PROFILES = yamlIn('profiles');
const PROFILE_NAMES = PROFILES.map((p) => p.replace(/^profiles\/|\.yaml$/g, ''));

describe('shipped files', () => {
  it('include the documented scenarios, device types and profiles', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(8);
    expect(DEVICES.map((d) => d.split('/').pop())).toEqual(
      expect.arrayContaining(['sensor.yaml', 'gateway.yaml', 'tracker.yaml', 'sensor-single-slot.yaml']),
    );
    expect(PROFILE_NAMES).toEqual(expect.arrayContaining(['smoke', 'ci', 'nightly', 'capacity']));
  });

  it('all validate, each recognised as what it is', async () => {
    const results = await validateFiles([...SCENARIOS, ...DEVICES, ...PROFILES, 'scenarios/schema.json']);
    for (const r of results) expect(r.error?.toLine() ?? 'ok', r.path).toBe('ok');
    const kinds = Object.fromEntries(results.map((r) => [r.path, r.kind]));
    for (const p of SCENARIOS) expect(kinds[p]).toBe('scenario');
    for (const p of DEVICES) expect(kinds[p]).toBe('device-type');
    for (const p of PROFILES) expect(kinds[p]).toBe('profile');
    expect(kinds['scenarios/schema.json']).toBe('json-schema');
  });

  it.each(SCENARIOS)('%s resolves with every profile', async (path) => {
    const plain = await loadScenario(path, { env: {} });
    expect(plain.sourcePath).toBe(path);
    expect(plain.thresholds.length).toBeGreaterThan(0);
    for (const profile of PROFILE_NAMES) {
      const s = await loadScenario(path, { env: {}, profile });
      expect(s.profile).toBe(profile);
      expect(s.name).toBe(plain.name);
    }
  });

  it.each(SCENARIOS)('%s is tiny with the smoke profile', async (path) => {
    const s = await loadScenario(path, { env: {}, profile: 'smoke' });
    expect(s.fleet.reduce((a, g) => a + g.count, 0)).toBeLessThanOrEqual(2000);
    expect(s.durationUs).toBeLessThanOrEqual(10 * 60_000_000);
    expect(s.thresholds.map((t) => t.expr)).toEqual(['devices_total > 0']);
  });

  it('the sensor variants differ where the scenarios rely on it', async () => {
    const s = await loadScenario('scenarios/ota-radio-drops.yaml', { env: {} });
    const ab = s.deviceTypes.sensor!;
    const single = s.deviceTypes['sensor-single-slot']!;
    expect([ab.ota.slots, ab.ota.resume]).toEqual(['ab', true]);
    expect([single.ota.slots, single.ota.resume]).toEqual(['single', false]);
    expect(single.radio).toEqual(ab.radio);
    expect(ab.battery.capacityMah).toBe(2600);
    expect(s.deviceTypes.sensor!.radio.profile).toBe('nb-iot');
  });

  it('the headline scenarios have the sizes the docs promise', async () => {
    const size = async (p: string) =>
      (await loadScenario(p, { env: {} })).fleet.reduce((a, g) => a + g.count, 0);
    expect(await size('scenarios/quickstart.yaml')).toBe(10_000);
    expect(await size('scenarios/reconnect-storm.yaml')).toBe(1_000_000);
    expect(await size('scenarios/ota-rollout.yaml')).toBe(1_000_000);
    const live = await loadScenario('scenarios/live-quickstart.yaml', { env: {} });
    expect([live.mode, live.live.speed, live.fleet.reduce((a, g) => a + g.count, 0)]).toEqual([
      'live',
      60,
      200,
    ]);
  });
});
