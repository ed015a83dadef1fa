// Live mode: cohorts against the embedded backend. Every failed publish and every publish is in
// exactly one firmware cohort (the cohort tallies add up to the run's counters), an outage makes
// both versions reconnect, and the newer version's drain factor lies within its interval.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

describe('live cohorts', () => {
  it('compare by firmware against the embedded backend', async () => {
    const sensor = {
      name: 'live-cohort-sensor',
      extends: 'sensor',
      radio: { profile: 'ethernet' },
      connectivity: {
        mode: 'persistent',
        backoff: { policy: 'full', base: '1s', max: '10s', multiplier: 2 },
      },
      telemetry: { interval: '10s', jitter: '2s' },
    };
    const doc = {
      name: 'live-cohorts',
      seed: 4,
      mode: 'live',
      duration: '5m',
      fleet: [
        { device: sensor, count: 20, firmware: '2.0.3' },
        { device: 'live-cohort-sensor', count: 20, firmware: '2.1.0' },
      ],
      'power-on': { spread: '20s' },
      'firmware-versions': { '2.1.0': { 'drain-factor': 1.08 } },
      compare: [{ by: 'firmware', baseline: '2.0.3' }],
      faults: [{ type: 'backend-outage', at: '2m', duration: '30s' }],
      live: { speed: 60, 'max-concurrent-connections': 1000 },
    };
    const s = await resolveScenarioObject(doc, 'live-cohorts (in memory)', { env: {} });
    const r = (await runResolved(s, { noFiles: true })).report;
    const dim = r.cohorts?.dimensions[0];
    expect(dim?.cohorts.map((c) => c.stats.ota_failures_per_device.n)).toEqual([20, 20]);
    const total = (stat: 'publish_failure_ratio', k: number): number =>
      (dim?.cohorts ?? []).reduce((t, c) => t + (c.stats[stat].sums[k] ?? 0), 0);
    const c = (n: string): number =>
      Object.entries(r.metrics.counters)
        .filter(([k]) => k === n || k.startsWith(`${n}{`))
        .reduce((t, [, v]) => t + v, 0);
    expect(total('publish_failure_ratio', 1)).toBe(c('mqtt_publish_total')); // Σ publishes
    expect(total('publish_failure_ratio', 2)).toBe(c('mqtt_publish_failed_total')); // Σ failed
    for (const cohort of dim?.cohorts ?? [])
      expect(cohort.stats.reconnects_per_device_day.mean).toBeGreaterThan(0);
    const drain = dim?.comparisons.find((x) => x.stat === 'battery_drain_per_day');
    // 20 devices for 5 minutes: a wide interval, which holds the configured 8 %
    expect(drain?.noData).toBeNull();
    expect(Math.abs((drain?.relative ?? NaN) - 0.08)).toBeLessThanOrEqual(drain?.relativeHalfWidth ?? -1);
    expect(drain?.relativeHalfWidth).toBeLessThan(0.2);
  }, 90_000);
});
