// Cohort comparison against analytic expectations: a configured 8 % drain difference is measured
// within its interval, identical cohorts give an interval containing 0, a device updated mid-run
// counts for both versions by time, and shards, worker counts and seeds behave as for every
// other figure of the report.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { CohortComparison, CohortsReport } from '../../src/cohorts/compare.js';
import { mergeReports } from '../../src/reports/merge.js';
import type { Report } from '../../src/reports/report-types.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { loadScenario, resolveScenarioObject } from '../../src/scenario/index.js';

const SHIPPED = 'scenarios/firmware-cohorts.yaml';

async function shipped(overrides: Record<string, unknown> = {}): Promise<Report> {
  const s = await loadScenario(SHIPPED, { env: {}, overrides: { devices: 2000, ...overrides } });
  return (await runResolved(s, { noFiles: true })).report;
}

function comparison(r: Report, by: string, stat: string): CohortComparison {
  const c = r.cohorts?.dimensions.find((d) => d.by === by)?.comparisons.find((x) => x.stat === stat);
  if (!c) throw new Error(`no ${stat} comparison by ${by}`);
  return c;
}

const contains = (c: CohortComparison, x: number): boolean =>
  Math.abs((c.relative ?? NaN) - x) <= (c.relativeHalfWidth ?? -1);

describe('firmware cohorts', () => {
  it('the shipped scenario measures its configured 8 % drain difference within the interval', async () => {
    const r = await shipped();
    expect(r.verdict).toBe('passed');
    const drain = comparison(r, 'firmware', 'battery_drain_per_day');
    expect(drain).toMatchObject({
      cohort: '2.1.0',
      baseline: '2.0.3',
      n: 1000,
      baselineN: 1000,
      noData: null,
    });
    expect(contains(drain, 0.08)).toBe(true);
    expect(drain.relativeHalfWidth).toBeLessThan(0.01);
    // the versions differ only in drain: reconnects and publish failures alike, within the interval
    expect(contains(comparison(r, 'firmware', 'reconnects_per_device_day'), 0)).toBe(true);
    expect(contains(comparison(r, 'firmware', 'publish_failure_ratio'), 0)).toBe(true);
    // every publish and every failed one is in exactly one firmware cohort
    const dim = r.cohorts?.dimensions[0];
    const sum = (k: number): number =>
      (dim?.cohorts ?? []).reduce((t, c) => t + (c.stats.publish_failure_ratio.sums[k] ?? 0), 0);
    const failed = Object.entries(r.metrics.counters)
      .filter(([k]) => k.startsWith('mqtt_publish_failed_total'))
      .reduce((t, [, v]) => t + v, 0);
    expect(sum(1)).toBe(r.metrics.counters.mqtt_publish_total);
    expect(sum(2)).toBe(failed);
    expect(renderSummary(r)).toMatch(
      /battery_drain_per_day: 2\.1\.0 drains 8\.\d+ % ± 0\.\d+ % more than 2\.0\.3 \(n = 1,000 vs 1,000\)/,
    );
  });

  it('a drain gate tighter than the difference fails: the regression is caught', async () => {
    const s = await loadScenario(SHIPPED, { env: {}, overrides: { devices: 2000 } });
    s.thresholds = [
      { expr: 'compare(battery_drain_per_day, firmware="2.1.0", firmware="2.0.3") < 5%', abortOnFail: false },
    ];
    const r = (await runResolved(s, { noFiles: true })).report;
    expect(r.verdict).toBe('failed');
    expect(r.thresholds[0]?.message).toMatch(/= \+8\.\d+ % ± .*upper bound \+8\.\d+ %/);
  });

  it('same seed, any worker count: the same cohort section; another seed: another one', async () => {
    const a = await shipped({ workers: 1 });
    const b = await shipped({ workers: 2 });
    expect(b.cohorts).toEqual(a.cohorts);
    const c = await shipped({ seed: 18 });
    expect(c.cohorts).not.toEqual(a.cohorts);
  });

  it('merged --shard reports compare the same cohorts as the unsharded run', async () => {
    const whole = await shipped();
    const parts = [
      await shipped({ shard: { index: 0, count: 2 } }),
      await shipped({ shard: { index: 1, count: 2 } }),
    ];
    const merged = mergeReports(parts);
    const sums = (r: CohortsReport | undefined): number[][] =>
      (r?.dimensions ?? []).flatMap((d) =>
        d.cohorts.flatMap((c) => Object.values(c.stats).map((s) => s.sums)),
      );
    const w = sums(whole.cohorts);
    const m = sums(merged.cohorts);
    expect(m.length).toBe(w.length);
    m.forEach((s, i) => s.forEach((v, k) => expect(v).toBeCloseTo(w[i]?.[k] ?? NaN, 6)));
    expect(merged.thresholds.map((t) => t.ok)).toEqual(whole.thresholds.map((t) => t.ok));
  });
});

async function scenario(doc: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject(doc, 'cohorts (in memory)', { env: {} });
  return (await runResolved(s, { noFiles: true })).report;
}

const SENSOR = { name: 'field-sensor', extends: 'sensor', connectivity: { mode: 'persistent' } };

describe('cohorts by tag and by time', () => {
  it('identical cohorts give intervals containing 0 (about 19 times in 20)', async () => {
    // Every device is hit by the radio drops: a fault drawn as an exact share of the fleet would
    // make the two cohorts' hits slightly anti-correlated, which per-device intervals do not model.
    const misses: string[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const r = await scenario({
        name: 'identical-cohorts',
        seed,
        duration: '2d',
        fleet: [
          { device: SENSOR, count: 800, tags: { batch: 'a' } },
          { device: 'field-sensor', count: 800, tags: { batch: 'b' } },
        ],
        'power-on': { spread: '30m' },
        compare: [{ by: 'tag:batch' }],
        faults: [{ type: 'radio-drop', who: '100%', at: '2h', every: '4h', duration: '1m..10m' }],
      });
      for (const stat of ['battery_drain_per_day', 'reconnects_per_device_day', 'publish_failure_ratio']) {
        const c = comparison(r, 'tag:batch', stat);
        expect(c.n, stat).toBe(800);
        expect(c.relativeHalfWidth, stat).toBeLessThan(0.1);
        if (!contains(c, 0)) misses.push(`seed ${seed} ${stat}: ${c.relative} ± ${c.relativeHalfWidth}`);
      }
    }
    expect(misses.length, misses.join('; ')).toBeLessThanOrEqual(2); // of 12; 0.6 expected
  });

  it('a device updated mid-run counts for both versions, by the time it ran each', async () => {
    const doc = {
      name: 'update-mid-run',
      seed: 9,
      duration: '2d',
      fleet: [{ device: SENSOR, count: 1000, firmware: '1.0.0' }],
      'firmware-versions': { '2.0.0': { 'drain-factor': 1.2 } },
      compare: [{ by: 'firmware' }, { by: 'device-type' }],
    };
    const control = await scenario(doc); // no update: 1.0.0's steady drain
    const r = await scenario({
      ...doc,
      rollout: { firmware: { version: '2.0.0', size: '200KiB' }, start: '12h', waves: ['100%'] },
    });
    const byFw = r.cohorts?.dimensions.find((d) => d.by === 'firmware');
    const byType = r.cohorts?.dimensions.find((d) => d.by === 'device-type');
    const committed = r.metrics.counters.ota_succeeded_total ?? 0;
    expect(committed).toBeGreaterThan(900);
    const n = (c: { stats: { ota_failures_per_device: { n: number } } }): number =>
      c.stats.ota_failures_per_device.n;
    // every device ran 1.0.0; the updated ones ran 2.0.0 as well
    expect(byFw?.cohorts.map(n)).toEqual([1000, committed]);
    // device-days: split between the versions, adding up to the whole run's
    const days = (c: { stats: { battery_drain_per_day: { sums: number[] } } } | undefined): number =>
      c?.stats.battery_drain_per_day.sums[1] ?? NaN;
    const fwDays = (byFw?.cohorts ?? []).reduce((s, c) => s + days(c), 0);
    expect(fwDays).toBeCloseTo(days(byType?.cohorts[0]), 6);
    expect(days(byFw?.cohorts[1])).toBeLessThan(committed * 1.5); // updated after 12 h of 48
    // after its update a device drains 1.2 × the steady drain of 1.0.0 (the update's own download
    // and install drain is spent on 1.0.0, before the commit)
    const steady = control.cohorts?.dimensions[0]?.cohorts[0]?.stats.battery_drain_per_day.mean ?? NaN;
    const updated = byFw?.cohorts[1]?.stats.battery_drain_per_day.mean ?? NaN;
    expect(Math.abs(updated / (1.2 * steady) - 1)).toBeLessThan(0.005);
    expect(byFw?.cohorts[0]?.stats.battery_drain_per_day.mean).toBeGreaterThan(steady);
  });

  it("by site: each site a cohort, its devices exactly the site's", async () => {
    const r = await scenario({
      name: 'site-cohorts',
      seed: 2,
      duration: '6h',
      fleet: [{ device: SENSOR, count: 1200 }],
      sites: { count: 4 },
      compare: [{ by: 'site', baseline: '0' }],
      thresholds: ['compare(reconnects_per_device_day, site="2", site="0") < 50%'],
      faults: [{ type: 'radio-drop', at: '2h', duration: '5m', who: { sites: 1 } }],
    });
    const dim = r.cohorts?.dimensions.find((d) => d.by === 'site');
    expect(dim?.cohorts.map((c) => c.name)).toEqual(['0', '1', '2', '3']);
    expect(dim?.cohorts.map((c) => c.stats.ota_failures_per_device.n)).toEqual([300, 300, 300, 300]);
    // one site lost its link for 5 minutes: its devices reconnected once each, the others not at all
    const reconnecting = (dim?.cohorts ?? []).filter(
      (c) => (c.stats.reconnects_per_device_day.mean ?? 0) > 0,
    );
    expect(reconnecting).toHaveLength(1);
    expect(reconnecting[0]?.stats.reconnects_per_device_day.sums[2]).toBe(300);
  });
});
