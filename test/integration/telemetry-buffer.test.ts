// Offline buffers and aligned schedules against their analytic expectations: an outage of T at
// interval I re-sends min(T/I, capacity) readings per device; readings at `:00` happen once per
// device and hour; without drift at the same instant, with drift within ±(since-sync + t) × drift.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

async function run(doc: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject({ name: 'buffer-test', ...doc }, 'buffer-test', { env: {} });
  return (await runResolved(s, { noFiles: true })).report;
}

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;

function bufferedFleet(buffer: Record<string, unknown>, devices: number): Record<string, unknown> {
  return {
    duration: '3h',
    fleet: [
      {
        device: {
          name: 'meter',
          extends: 'gateway',
          telemetry: { interval: '1m', jitter: '0s', payload: '100B', buffer },
          connectivity: { backoff: { policy: 'full', base: '1s', max: '20s', multiplier: 2 } },
        },
        count: devices,
      },
    ],
    'power-on': { spread: '2m' },
    faults: [{ type: 'backend-outage', at: '30m', duration: '1h' }],
  };
}

describe('telemetry.buffer', () => {
  it('a 1h outage at 1m keeps the capacity per device and drops the rest, both policies alike', async () => {
    const devices = 300;
    const capacity = 20;
    const oldest = await run(
      bufferedFleet({ capacity, 'when-full': 'drop-oldest', 'flush-rate': '2/s' }, devices),
    );
    const buffered = c(oldest, 'telemetry_buffered_total');
    // 60 readings fall in the hour, and one or two more while the device waits for its reconnect
    expect(buffered).toBeGreaterThanOrEqual(devices * 60);
    expect(buffered).toBeLessThanOrEqual(devices * 62);
    expect(c(oldest, 'telemetry_flushed_total')).toBe(devices * capacity);
    expect(c(oldest, 'telemetry_dropped_total{reason="buffer_full"}')).toBe(buffered - devices * capacity);
    expect(oldest.metrics.derived.telemetry_loss_ratio).toBeCloseTo(
      (buffered - devices * capacity) / buffered,
      12,
    );
    const newest = await run(
      bufferedFleet({ capacity, 'when-full': 'drop-newest', 'flush-rate': '2/s' }, devices),
    );
    for (const n of ['telemetry_buffered_total', 'telemetry_flushed_total', 'mqtt_publish_total'])
      expect(c(newest, n), n).toBe(c(oldest, n));
  });

  it('a buffer large enough loses nothing, and the flush adds its readings to the publishes', async () => {
    const devices = 200;
    const big = await run(bufferedFleet({ capacity: 500, 'flush-rate': '5/s' }, devices));
    const none = await run({ ...bufferedFleet({ capacity: 500 }, devices), faults: [] });
    const buffered = c(big, 'telemetry_buffered_total');
    expect(c(big, 'telemetry_flushed_total')).toBe(buffered);
    expect(c(big, 'telemetry_dropped_total{reason="buffer_full"}')).toBe(0);
    expect(big.metrics.derived.telemetry_loss_ratio).toBe(0);
    expect(c(none, 'telemetry_buffered_total')).toBe(0);
    expect(none.metrics.derived.telemetry_loss_ratio).toBeNull();
    // the outage's live readings are missing, the flushed ones make up for them within a reading each
    expect(Math.abs(c(big, 'mqtt_publish_total') - c(none, 'mqtt_publish_total'))).toBeLessThanOrEqual(
      2 * devices,
    );
  });

  it('a duty-cycled device buffers the wakes it could not connect and stays awake to flush', async () => {
    const devices = 200;
    const r = await run({
      duration: '3h',
      fleet: [
        {
          device: {
            name: 'tracker-b',
            extends: 'tracker',
            telemetry: { buffer: { capacity: 100, 'flush-rate': '1/s' } },
          },
          count: devices,
        },
      ],
      'power-on': { spread: '5m' },
      faults: [{ type: 'backend-outage', at: '1h', duration: '30m' }],
    });
    const buffered = c(r, 'telemetry_buffered_total');
    expect(buffered).toBeGreaterThan(devices * 3); // trackers wake every 5 minutes
    expect(c(r, 'telemetry_flushed_total')).toBe(buffered);
  });
});

function alignedFleet(devices: number, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    duration: '3h30m',
    fleet: [
      {
        device: {
          name: 'hourly',
          extends: 'gateway',
          telemetry: { at: ':00', jitter: '0s', payload: '100B' },
          ...extra,
        },
        count: devices,
      },
    ],
    'power-on': { spread: '5m' },
  };
}

describe('telemetry.at / cron and clock drift', () => {
  it('`:00` without drift: every device publishes at 1h, 2h and 3h exactly', async () => {
    const devices = 500;
    const r = await run(alignedFleet(devices, {}));
    expect(c(r, 'mqtt_publish_total')).toBe(3 * devices);
    const pubs = r.series.counters.mqtt_publish_total ?? [];
    const busy = r.series.timesUs.filter((_, i) => (pubs[i] ?? 0) > 0);
    expect(busy.length).toBe(3);
    for (const [i, t] of busy.entries())
      expect(Math.abs(t - (i + 1) * 3600e6)).toBeLessThanOrEqual(r.intervalUs);
  });

  it('cron `*/30 * * * *` reads twice an hour', async () => {
    const devices = 100;
    const r = await run(alignedFleet(devices, {}));
    const doc = alignedFleet(devices, {});
    const fleet = doc.fleet as { device: { telemetry: Record<string, unknown> } }[];
    (fleet[0] as { device: { telemetry: Record<string, unknown> } }).device.telemetry = {
      cron: '*/30 * * * *',
      jitter: '0s',
    };
    const half = await run(doc);
    expect(c(half, 'mqtt_publish_total')).toBe(2 * c(r, 'mqtt_publish_total'));
  });

  it('drift spreads the aligned readings within ±(since-sync + t) × drift, and no further', async () => {
    const devices = 500;
    const r = await run({
      ...alignedFleet(devices, { clock: { drift: '±100ppm', 'since-sync': '30d' } }),
      interval: '10s',
    });
    // 30 days at 100 ppm: ±259 s at the first hour, a little more later
    const boundUs = (30 * 86400e6 + 3 * 3600e6) * 100e-6;
    const pubs = r.series.counters.mqtt_publish_total ?? [];
    let spreadIntervals = 0;
    pubs.forEach((n, i) => {
      if (n === 0) return;
      spreadIntervals++;
      const t = r.series.timesUs[i] ?? 0;
      const hour = Math.round(t / 3600e6) * 3600e6;
      expect(Math.abs(t - hour)).toBeLessThanOrEqual(boundUs + r.intervalUs);
    });
    // the readings are spread over many 10 s intervals, not one
    expect(spreadIntervals).toBeGreaterThan(3 * 20);
    // 1h, 2h, 3h; and 00:00 for the slow clocks still before midnight when they connected
    expect(c(r, 'mqtt_publish_total')).toBeGreaterThan(3 * devices);
    expect(c(r, 'mqtt_publish_total')).toBeLessThan(4 * devices);
  });
});
