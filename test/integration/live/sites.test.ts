// Sites in live mode: a site outage drops the real sockets of every device behind the chosen
// sites at once (the per-device radio-drop path), they reconnect after the site's one length, and
// the report's per-site section and recovery histogram say so. Small and short, at 60x.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const counter = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

describe('live sites', () => {
  it('a site outage drops exactly the sockets of its devices, and they all come back', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'live-sites',
        seed: 3,
        mode: 'live',
        duration: '4m',
        fleet: [{ device: 'gateway', count: 40 }],
        'power-on': { spread: '20s' },
        live: { speed: 60, 'max-concurrent-connections': 1000 },
        sites: { count: 4, gateway: true },
        faults: [{ type: 'power-loss', at: '1m', duration: '30s', who: { sites: 1 } }],
      },
      'live-sites (in memory)',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    const hits = report.faults.filter((f) => f.faultId === 'f0').reduce((n, f) => n + f.devicesHit, 0);
    expect(hits).toBe(10);
    // the gateway lost power: its devices lost their link, none its power (a device whose CONNACK
    // was still on its way on a loaded machine loses a connect, not a session)
    const radio = counter(report, 'mqtt_disconnects_total{reason="radio"}');
    expect(radio).toBeGreaterThan(0);
    expect(radio).toBeLessThanOrEqual(10);
    expect(counter(report, 'mqtt_disconnects_total{reason="power"}')).toBe(0);
    expect(counter(report, 'mqtt_connect_success_total')).toBeGreaterThanOrEqual(40 + radio);
    expect(report.sites?.outages).toBe(1);
    expect(report.sites?.recovered).toBe(1);
    expect(report.metrics.histograms.site_recovery_duration_us?.count).toBe(1);
    expect(report.metrics.histograms.site_recovery_duration_us?.minUs).toBeGreaterThanOrEqual(30e6 * 0.999);
  }, 60_000);

  it('the downloads at a site share its link in the process: two at once take at least twice one', async () => {
    const sizeBytes = 128 * 1024;
    const run = async (devices: number): Promise<Report> => {
      const s = await resolveScenarioObject(
        {
          name: 'live-site-link',
          seed: 3,
          mode: 'live',
          duration: '4m',
          fleet: [
            { device: { name: 'gw', extends: 'gateway', ota: { 'health-failure': '0%' } }, count: devices },
          ],
          live: { speed: 60 },
          sites: { count: 1, link: { bandwidth: '1Mbit/s' } },
          rollout: { firmware: { version: '9.0.0', size: `${sizeBytes}B` }, start: '30s', waves: ['100%'] },
        },
        'live-site-link (in memory)',
        { env: {} },
      );
      return (await runResolved(s, { noFiles: true })).report;
    };
    // the link's real time at 1 Mbit/s, in the run's virtual time (60x)
    const aloneUs = ((sizeBytes * 8) / 1e6) * 1e6 * 60;
    const one = await run(1);
    expect(one.metrics.histograms.ota_download_duration_us?.count).toBe(1);
    expect(one.metrics.histograms.ota_download_duration_us?.minUs).toBeGreaterThan(0.9 * aloneUs);
    const two = await run(2);
    expect(two.metrics.histograms.ota_download_duration_us?.count).toBe(2);
    // together they cannot be done before both images went through the one link
    expect(two.metrics.histograms.ota_download_duration_us?.maxUs).toBeGreaterThan(0.9 * 2 * aloneUs);
  }, 90_000);
});
