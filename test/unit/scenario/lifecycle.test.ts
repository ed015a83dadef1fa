// Provisioning, a group's power-on and time zone, and the install window: resolved values,
// nothing written when unset (reports of scenarios without them stay as they were), and user
// mistakes named with their field.
import { describe, expect, it } from 'vitest';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';
import { planWarnings } from '../../../src/scenario/vacuity.js';
import { windowWaitUs, insideWindow, type WindowPlan } from '../../../src/device/install-window.js';

const resolve = (doc: Record<string, unknown>) =>
  resolveScenarioObject({ name: 'x', ...doc }, 'mem.yaml', { env: {} });
const H = 3600e6;

describe('lifecycle settings', () => {
  it('resolve to µs and offsets, and are absent when not written', async () => {
    const s = await resolve({
      fleet: [
        { device: { name: 'm', extends: 'gateway', provisioning: {} }, count: 5 },
        {
          device: 'm',
          count: 5,
          'power-on': { start: '2h', spread: '1m' },
          timezone: ['UTC-05:30', 'UTC+1'],
        },
      ],
      rollout: { firmware: { version: '9', size: '1MiB' }, 'install-window': '22:00-02:00' },
    });
    expect(s.deviceTypes.m?.provisioning).toEqual({ timeoutUs: 30e6, path: '/provision' });
    expect(s.fleet[1]?.powerOn).toEqual({ startUs: 2 * H, spreadUs: 60e6 });
    expect(s.fleet[1]?.timezoneOffsetsUs).toEqual([-5.5 * H, H]);
    expect(s.rollout?.installWindow).toEqual({ startUs: 22 * H, endUs: 2 * H });
    const plain = await resolve({ fleet: [{ device: 'gateway', count: 1 }] });
    expect('provisioning' in (plain.deviceTypes.gateway ?? {})).toBe(false);
    expect(Object.keys(plain.fleet[0] ?? {})).toEqual(['device', 'count', 'firmware']);
  });

  it('names the field of a bad time zone, an empty window and a bad provisioning path', async () => {
    const zone = await toolErrorOf(resolve({ fleet: [{ device: 'gateway', count: 1, timezone: 'UTC+15' }] }));
    expect([zone.code, zone.where]).toEqual([
      'FLEETSTORM_ERR_SCENARIO_INVALID',
      'mem.yaml: fleet[0].timezone',
    ]);
    const empty = await toolErrorOf(
      resolve({
        fleet: [{ device: 'gateway', count: 1 }],
        rollout: { firmware: { version: '9', size: '1MiB' }, 'install-window': '02:00-02:00' },
      }),
    );
    expect([empty.code, empty.where, empty.message]).toEqual([
      'FLEETSTORM_ERR_SCENARIO_INVALID',
      'mem.yaml: rollout.install-window',
      'the install window is empty',
    ]);
    const path = await toolErrorOf(
      resolve({
        fleet: [{ device: { name: 'm', extends: 'gateway', provisioning: { path: 'x' } }, count: 1 }],
      }),
    );
    expect(path.where).toContain('provisioning.path');
  });
});

describe('install window in local time', () => {
  const w = (startH: number, endH: number, zoneH = 0): WindowPlan => ({
    startUs: startH * H,
    endUs: endH * H,
    spans: [{ end: 10, startUs: 0, spreadUs: 0, zones: [zoneH * H] }],
  });

  it('waits until the window opens, with room for the install; crosses midnight', () => {
    expect(windowWaitUs(w(2, 4), 1, 0, 1 * H, 0)).toBe(1 * H);
    expect(windowWaitUs(w(2, 4), 1, 0, 3 * H, 0)).toBe(0);
    // 10 minutes left in the window, an install of up to 20: wait for tomorrow's
    expect(windowWaitUs(w(2, 4), 1, 0, 3.9 * H - 4 * 60e6, 20 * 60e6)).toBeCloseTo(22 * H + 10 * 60e6, 0);
    expect(windowWaitUs(w(22, 2), 1, 0, 23 * H, 0)).toBe(0);
    expect(windowWaitUs(w(22, 2), 1, 0, 25 * H, 0)).toBe(0);
    expect(windowWaitUs(w(22, 2), 1, 0, 3 * H, 0)).toBe(19 * H);
    // UTC+1: local 02:00 is 01:00 UTC
    expect(windowWaitUs(w(2, 4, 1), 1, 0, 0, 0)).toBe(1 * H);
    // a window shorter than the install never opens for it
    expect(windowWaitUs(w(2, 3), 1, 0, 0, 2 * H)).toBe(Infinity);
    expect(insideWindow(w(2, 4), 1, 0, 4 * H)).toBe(true);
    expect(insideWindow(w(2, 4), 1, 0, 4 * H + 1)).toBe(false);
  });
});

describe('vacuity', () => {
  it('a provisioning latency threshold without any provisioning type is named at load time', async () => {
    const plain = await resolve({
      fleet: [{ device: 'gateway', count: 1 }],
      thresholds: ['p99(provision_duration_us) < 5s'],
    });
    expect(planWarnings(plain).map((w) => w.field)).toEqual(['thresholds[0]']);
    const prov = await resolve({
      fleet: [{ device: { name: 'm', extends: 'gateway', provisioning: {} }, count: 1 }],
      thresholds: ['p99(provision_duration_us) < 5s'],
    });
    expect(planWarnings(prov)).toEqual([]);
  });
});
