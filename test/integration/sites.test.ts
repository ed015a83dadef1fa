// Sites and shared links against their analytic expectations: a site outage hits exactly the
// site's devices and they come back together after its one length; downloads at a site share
// its link (two at once at 1 Mbit/s each get 0.5 Mbit/s); the same sites whatever the workers.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';
import { buildSiteTable, shardCountWithSites, siteDevices } from '../../src/topology/site-table.js';
import type { SitesConfig } from '../../src/topology/types.js';

async function run(doc: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject({ name: 'sites-test', seed: 3, ...doc }, 'sites-test', { env: {} });
  return (await runResolved(s, { noFiles: true })).report;
}

const hitsOf = (r: Report, id: string): number =>
  r.faults.filter((f) => f.faultId === id).reduce((n, f) => n + f.devicesHit, 0);

const gateway = (count: number) => ({
  device: {
    name: 'meter',
    extends: 'gateway',
    connectivity: { backoff: { policy: 'full', base: '1s', max: '5s', multiplier: 2 } },
  },
  count,
});

describe('sites', () => {
  it('a site outage hits exactly its devices, and they come back after its one length', async () => {
    const r = await run({
      duration: '1h',
      fleet: [gateway(3000)],
      'power-on': { spread: '1m' },
      sites: { count: 30 },
      faults: [{ type: 'radio-drop', at: '20m', duration: '5m', who: { sites: 2 } }],
    });
    expect(hitsOf(r, 'f0')).toBe(2 * 100);
    expect(r.metrics.counters['mqtt_disconnects_total{reason="radio"}']).toBe(200);
    const rec = r.metrics.histograms.site_recovery_duration_us;
    expect(rec?.count).toBe(2);
    // back after the outage's 5 minutes, a connect round trip later (one drop length per site;
    // the histogram keeps 3 significant digits)
    expect(rec?.minUs).toBeGreaterThanOrEqual(5 * 60e6 * 0.999);
    expect(rec?.maxUs).toBeLessThan(5 * 60e6 * 1.001 + 2e6);
    const sites = r.sites;
    expect(sites?.sites).toBe(30);
    expect(sites?.outages).toBe(2);
    expect(sites?.recovered).toBe(2);
    expect(sites?.slowestRecovery.map((l) => l.outageHits)).toEqual([100, 100]);
  });

  it('a run stopped early by an abort threshold still reports its sites', async () => {
    const r = await run({
      duration: '2h',
      fleet: [gateway(600)],
      'power-on': { spread: '1m' },
      sites: { count: 6 },
      faults: [{ type: 'radio-drop', at: '10m', duration: '5m', who: { sites: 1 } }],
      thresholds: [{ expr: 'mqtt_disconnects_total{reason="radio"} < 1', abort: true }],
    });
    expect(r.status).toBe('aborted');
    expect(r.reachedUs).toBeLessThan(2 * 3600e6);
    expect(r.sites?.sites).toBe(6);
    expect(r.sites?.outages).toBe(1);
    expect(r.sites?.slowestRecovery.map((l) => l.outageHits)).toEqual([100]);
  });

  it('drawn site sizes: one site chosen hits one whole site of 50..500 devices', async () => {
    const cfg: SitesConfig = {
      count: null,
      perSite: { min: 50, max: 500 },
      link: { bandwidthBytesPerSec: null, latencyUs: 0, lossRatio: 0 },
      gateway: true,
    };
    const devices = 20_000;
    const table = buildSiteTable(cfg, devices, shardCountWithSites(devices, cfg), 3);
    const sizes = new Set(Array.from({ length: table.total }, (_, k) => siteDevices(table, k)));
    const r = await run({
      duration: '40m',
      fleet: [gateway(devices)],
      sites: { 'devices-per-site': '50..500', gateway: true },
      faults: [{ type: 'power-loss', at: '20m', duration: '2m', who: { sites: 1 } }],
    });
    const hits = hitsOf(r, 'f0');
    expect(sizes.has(hits)).toBe(true);
    expect(hits).toBeGreaterThanOrEqual(50);
    // the gateway lost power, not the devices: they lost their link
    expect(r.metrics.counters['mqtt_disconnects_total{reason="radio"}']).toBe(hits);
    expect(r.metrics.counters['mqtt_disconnects_total{reason="power"}'] ?? 0).toBe(0);
  });

  it('downloads at a site share its link: two at once at 1 Mbit/s each take twice as long', async () => {
    const sizeBytes = 1024 * 1024;
    const downloadUs = async (devices: number, degrade = false, link = true): Promise<number[]> => {
      const r = await run({
        duration: '2h',
        fleet: [
          { device: { name: 'gw', extends: 'gateway', ota: { 'health-failure': '0%' } }, count: devices },
        ],
        sites: { count: 1, ...(link ? { link: { bandwidth: '1Mbit/s' } } : {}) },
        rollout: { firmware: { version: '9.9.9', size: `${sizeBytes}B` }, start: '10m', waves: ['100%'] },
        faults: degrade
          ? [
              {
                type: 'radio-degrade',
                at: '5m',
                duration: '1h',
                who: { sites: 1 },
                params: { bandwidth: '500kbit/s' },
              },
            ]
          : [],
      });
      const h = r.metrics.histograms.ota_download_duration_us;
      expect(h?.count).toBe(devices);
      return [h?.minUs ?? 0, h?.maxUs ?? 0];
    };
    const aloneUs = ((sizeBytes * 8) / 1e6) * 1e6; // 8.39 s at 1 Mbit/s
    const near = (got: number, want: number): void => {
      expect(got).toBeGreaterThan(want * 0.995);
      expect(got).toBeLessThan(want * 1.005 + 20e3); // request round trip, histogram precision
    };
    const [oneMin] = await downloadUs(1);
    near(oneMin as number, aloneUs);
    // two at once: each gets 0.5 Mbit/s for the whole transfer
    for (const v of await downloadUs(2)) near(v, 2 * aloneUs);
    // four at once, each a quarter
    for (const v of await downloadUs(4)) near(v, 4 * aloneUs);
    // the site's backhaul degraded to 500 kbit/s: two downloads share that
    for (const v of await downloadUs(2, true)) near(v, 4 * aloneUs);
    // no link bandwidth given: the degraded backhaul alone is shared
    for (const v of await downloadUs(2, true, false)) near(v, 4 * aloneUs);
  });

  it('the same sites, hits and per-site report whatever the worker count', async () => {
    const doc = (workers: number): Record<string, unknown> => ({
      duration: '1h',
      workers,
      fleet: [gateway(12_000)],
      sites: { 'devices-per-site': '20..300', link: { latency: '30ms', loss: '1%' } },
      faults: [
        { type: 'radio-drop', at: '20m', duration: '2m..10m', who: { sites: '5%' } },
        { type: 'radio-drop', at: '40m', duration: '1m', who: { sites: 3 } },
      ],
    });
    const one = await run(doc(1));
    const two = await run(doc(2));
    expect(one.sites?.outages).toBeGreaterThan(3);
    expect(two.sites).toEqual(one.sites);
    expect(two.faults).toEqual(one.faults);
    expect(two.metrics.counters).toEqual(one.metrics.counters);
  });
});
