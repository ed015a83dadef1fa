import { describe, expect, it } from 'vitest';
import { defaultIntervalUs, resolveScenarioObject } from '../../../src/scenario/index.js';
import type { ResolveObjectOptions } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const S = 1_000_000;
const MIN = 60 * S;
const H = 60 * MIN;

/** A device type given in memory, so these tests do not depend on the shipped files. */
const DEVICES = {
  meter: { radio: { profile: 'wifi' }, telemetry: { interval: '5m' }, firmware: '1.0.0' },
  'meter-b': { extends: 'meter', firmware: '2.0.0', ota: { slots: 'single' } },
  loop: { extends: 'loop2' },
  loop2: { extends: 'loop' },
};

const resolveObj = (obj: unknown, opts: ResolveObjectOptions = {}) =>
  resolveScenarioObject(obj, 'mem.yaml', {
    env: {},
    deviceTypes: DEVICES,
    devicesDir: '/nonexistent',
    ...opts,
  });

describe('resolveScenarioObject: defaults', () => {
  it('fills every default of a minimal scenario', async () => {
    const s = await resolveObj({ name: 'min', fleet: [{ device: 'meter', count: 10 }] });
    expect(s).toMatchObject({
      name: 'min',
      description: '',
      sourcePath: null,
      profile: null,
      seed: 1,
      mode: 'virtual',
      durationUs: H,
      intervalUs: 15 * S,
      workers: 0,
      fleet: [{ device: 'meter', count: 10, firmware: null }],
      powerOn: { startUs: 0, spreadUs: 0 },
      rollout: null,
      faults: [],
      thresholds: [],
      target: { mqttUrls: [], httpUrl: null },
      live: { speed: 1, maxConcurrentConnections: 10000, processes: 1 },
      shard: null,
    });
    expect(s.backend.connect).toEqual({
      ratePerSec: 1000,
      burst: 1000,
      queueLimit: 10000,
      maxSessions: 10_000_000,
      latencyUs: { min: 1000, max: 5000 },
    });
    expect(s.backend.ota.bandwidthBytesPerSec).toBe(1_250_000_000);
  });

  it('fills device type defaults, with radio defaults per profile', async () => {
    const s = await resolveObj({ name: 'd', fleet: [{ device: 'meter', count: 1 }] });
    const meter = s.deviceTypes.meter!;
    expect(meter.radio).toEqual({
      profile: 'wifi',
      bandwidthBytesPerSec: 2_500_000,
      latencyUs: { min: 5000, max: 30000 },
      lossRatio: 0.001,
    });
    expect(meter.battery.capacityMah).toBeNull();
    const stream = {
      intervalUs: 5 * MIN,
      jitterUs: 0,
      payloadBytes: { min: 200, max: 200 },
      qos: 1,
      retain: false,
      topic: null,
      template: null,
      userProperties: [],
      messageExpirySec: null,
    };
    expect(meter.telemetry).toEqual({ ...stream, streams: [stream], buffer: null, schedule: null });
    expect(meter.clock).toEqual({ driftPpm: 0, sinceSyncUs: 0 });
    expect(meter.connectivity.backoff).toEqual({ policy: 'full', baseUs: S, maxUs: 5 * MIN, multiplier: 2 });
    expect(meter.ota.slots).toBe('ab');
    expect(meter.ota.minBatteryRatio).toBe(0.2);
  });

  it.each([
    ['10m', 2 * S],
    ['1h', 15 * S],
    ['6h', 2 * MIN],
    ['24h', 5 * MIN],
    ['7d', H],
    ['30s', S],
  ])('default interval for %s is %d µs', async (duration, intervalUs) => {
    const s = await resolveObj({ name: 'i', duration, fleet: [{ device: 'meter', count: 1 }] });
    expect(s.intervalUs).toBe(intervalUs);
    expect(s.durationUs / s.intervalUs).toBeLessThanOrEqual(300);
  });

  it('gives 100–300 points for any run of 5 minutes or more', () => {
    for (let durationUs = 5 * MIN; durationUs < 365 * 24 * H; durationUs = Math.round(durationUs * 1.37)) {
      const points = durationUs / defaultIntervalUs(durationUs);
      expect(points).toBeLessThanOrEqual(300);
      expect(points).toBeGreaterThanOrEqual(durationUs > 90 * 24 * H ? 1 : 100);
    }
  });
});

describe('resolveScenarioObject: shortcuts and conversions', () => {
  const base = {
    name: 'x',
    fleet: [
      { device: 'meter', count: 90 },
      { device: 'meter-b', count: 10 },
    ],
  };

  it('merges `extends` chains of device types and keeps group firmware overrides', async () => {
    const s = await resolveObj({
      ...base,
      fleet: [...base.fleet, { device: 'meter', count: 5, firmware: '0.9' }],
    });
    expect(s.deviceTypes['meter-b']).toMatchObject({ firmware: '2.0.0', ota: { slots: 'single' } });
    expect(s.deviceTypes['meter-b']!.radio.profile).toBe('wifi');
    expect(s.deviceTypes['meter-b']!.telemetry.intervalUs).toBe(5 * MIN);
    expect(s.fleet[2]).toEqual({ device: 'meter', count: 5, firmware: '0.9' });
  });

  it('resolves inline device types (with extends) and lets other groups refer to them by name', async () => {
    const inline = {
      name: 'custom',
      extends: 'meter',
      battery: { capacity: '2600mAh', initial: '50%..90%' },
    };
    const s = await resolveObj({
      name: 'x',
      fleet: [
        { device: inline, count: 3 },
        { device: 'custom', count: 2, firmware: '9' },
      ],
    });
    expect(s.deviceTypes.custom!.battery.capacityMah).toBe(2600);
    expect(s.deviceTypes.custom!.battery.initialRatio).toEqual({ min: 0.5, max: 0.9 });
    expect(s.deviceTypes.custom!.radio.profile).toBe('wifi');
    expect(s.fleet.map((g) => g.device)).toEqual(['custom', 'custom']);
  });

  it('desugars faults: `who` shorthand, per-type durations, params and ids', async () => {
    const s = await resolveObj({
      ...base,
      faults: [
        { type: 'radio-drop', who: '5%', during: 'ota.downloading', duration: '30s..10m' },
        { type: 'backend-outage', at: '12h' },
        { type: 'battery-flat', at: '6h', who: { device: 'meter', count: 7, firmware: ['1.0.0'] } },
        {
          type: 'radio-degrade',
          every: '6h',
          params: { latency: '500ms', loss: '5%', bandwidth: '10kbit/s' },
        },
        { type: 'clock-skew', at: '1h', params: { skew: '-5m' } },
        { type: 'backend-slow', at: '2h' },
      ],
    });
    const [drop, outage, flat, degrade, skew, slow] = s.faults;
    expect(drop).toMatchObject({
      id: 'f0',
      during: 'ota.downloading',
      atUs: null,
      durationUs: { min: 30 * S, max: 600 * S },
    });
    expect(drop!.who).toEqual({
      ratio: 0.05,
      count: null,
      deviceTypes: null,
      firmwareVersions: null,
      states: null,
    });
    expect(outage).toMatchObject({ id: 'f1', atUs: 12 * H, durationUs: { min: 5 * MIN, max: 5 * MIN } });
    expect(outage!.who.ratio).toBe(1);
    expect(flat!.who).toEqual({
      ratio: null,
      count: 7,
      deviceTypes: ['meter'],
      firmwareVersions: ['1.0.0'],
      states: null,
      sites: null,
    });
    expect(flat!.durationUs).toEqual({ min: 0, max: 0 });
    expect(degrade!.params).toEqual({
      latencyUs: 500_000,
      lossRatio: 0.05,
      bandwidthBytesPerSec: 1250,
      skewUs: null,
      slowFactor: null,
    });
    expect(degrade!.everyUs).toBe(6 * H);
    expect(skew!.params.skewUs).toBe(-5 * MIN);
    expect(slow!.params.slowFactor).toBe(4);
  });

  it('resolves a rollout: waves, default wave interval, abort-when, selector', async () => {
    const s = await resolveObj({
      ...base,
      rollout: {
        firmware: { version: '2.1.0', size: '4MiB' },
        start: '1h',
        waves: [100, '1%', '10%', '100%'],
        selector: { device: 'meter', from: '1.0.0', share: '50%' },
        'abort-when': 'ota_failure_ratio > 2%',
      },
    });
    expect(s.rollout).toEqual({
      firmware: { version: '2.1.0', sizeBytes: 4 * 1024 * 1024 },
      startUs: H,
      waves: [
        { ratio: null, count: 100 },
        { ratio: 0.01, count: null },
        { ratio: 0.1, count: null },
        { ratio: 1, count: null },
      ],
      waveIntervalUs: H,
      waveWhenDoneRatio: null,
      selector: { deviceTypes: ['meter'], fromVersions: ['1.0.0'], ratio: 0.5 },
      maxConcurrentDownloads: null,
      failureLimit: { ratio: 0.02, action: 'abort' },
      kind: 'update',
    });
  });

  it('gates waves only on completion when wave-when-done is given alone', async () => {
    const s = await resolveObj({
      ...base,
      rollout: {
        firmware: { version: '2', size: 1000 },
        'wave-when-done': '95%',
        'failure-limit': { ratio: '1%' },
      },
    });
    expect(s.rollout).toMatchObject({ waveIntervalUs: null, waveWhenDoneRatio: 0.95 });
    expect(s.rollout!.failureLimit).toEqual({ ratio: 0.01, action: 'pause' });
    expect(s.rollout!.waves).toEqual([{ ratio: 1, count: null }]);
  });

  it('resolves thresholds, target and live settings', async () => {
    const s = await resolveObj({
      ...base,
      mode: 'live',
      thresholds: ['p99(mqtt_connect_duration_us) < 2s', { expr: 'ota_bricked_total == 0', abort: true }],
      target: { mqtt: 'mqtt://a:1883', http: 'http://b:8080' },
      live: { speed: 'max', processes: 2 },
    });
    expect(s.thresholds).toEqual([
      { expr: 'p99(mqtt_connect_duration_us) < 2s', abortOnFail: false },
      { expr: 'ota_bricked_total == 0', abortOnFail: true },
    ]);
    expect(s.target).toMatchObject({ mqttUrls: ['mqtt://a:1883'], httpUrl: 'http://b:8080', resolve: {} });
    expect(s.live.speed).toBe(Number.POSITIVE_INFINITY);
    expect(s.live.processes).toBe(2);
  });

  it('accepts labelled counters in thresholds', async () => {
    const s = await resolveObj({ ...base, thresholds: ['mqtt_connect_failed_total{reason="timeout"} < 10'] });
    expect(s.thresholds).toHaveLength(1);
  });
});

describe('resolveScenarioObject: errors', () => {
  it('detects extends cycles', async () => {
    const err = await toolErrorOf(resolveObj({ name: 'x', fleet: [{ device: 'loop', count: 1 }] }));
    expect(err.code).toBe('FLEETSTORM_ERR_DEVICE_TYPE');
    expect(err.got).toBe('loop → loop2 → loop');
  });

  it('rejects an inline device type defined twice', async () => {
    const d = { name: 'twice' };
    const err = await toolErrorOf(
      resolveObj({
        name: 'x',
        fleet: [
          { device: d, count: 1 },
          { device: d, count: 1 },
        ],
      }),
    );
    expect(err.code).toBe('FLEETSTORM_ERR_DEVICE_TYPE');
    expect(err.where).toBe('mem.yaml: fleet[1].device.name');
  });

  it('reports errors inside inline device types at their scenario path', async () => {
    const d = { name: 'bad', telemetry: { interval: '0s' } };
    const err = await toolErrorOf(resolveObj({ name: 'x', fleet: [{ device: d, count: 1 }] }));
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(err.where).toBe('mem.yaml: fleet[0].device.telemetry.interval');
  });

  it('rejects a backoff whose max is below its base', async () => {
    const d = { name: 'bad', connectivity: { backoff: { base: '10s', max: '1s' } } };
    const err = await toolErrorOf(resolveObj({ name: 'x', fleet: [{ device: d, count: 1 }] }));
    expect(err.where).toBe('mem.yaml: fleet[0].device.connectivity.backoff.max');
  });

  it('rejects a threshold without a comparison', async () => {
    const err = await toolErrorOf(
      resolveObj({ name: 'x', fleet: [{ device: 'meter', count: 1 }], thresholds: ['ota_bricked_total'] }),
    );
    expect(err.code).toBe('FLEETSTORM_ERR_THRESHOLD');
    expect(err.where).toBe('mem.yaml: thresholds[0]');
  });
});
