// Live mode: provisioning against the embedded backend's POST /provision. Every device registers
// once before its first CONNECT (a reboot does not register again, a re-provisioned device does);
// a broker-reject window answers 503, so those registrations are refused and retried with the
// backoff; an install window holds the verified images until each device's local window.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

async function run(rest: Record<string, unknown>, device: Record<string, unknown> = {}): Promise<Report> {
  const doc = {
    name: 'live-provisioning-test',
    seed: 7,
    mode: 'live',
    duration: '4m',
    fleet: [
      {
        device: {
          name: 'registering-gateway',
          extends: 'gateway',
          provisioning: { timeout: '20s' },
          telemetry: { interval: '30s', payload: '100B' },
          connectivity: { backoff: { policy: 'full', base: '1s', max: '10s', multiplier: 2 } },
          ...device,
        },
        count: 20,
      },
    ],
    'power-on': { spread: '20s' },
    live: { speed: 60, 'max-concurrent-connections': 1000 },
    ...rest,
  };
  const s = await resolveScenarioObject(doc, 'live-provisioning-test (in memory)', { env: {} });
  return (await runResolved(s, { noFiles: true })).report;
}

describe('live provisioning', () => {
  it('registers every device once over HTTP before it connects; reboots do not register again', async () => {
    const r = await run({
      faults: [
        { type: 'power-loss', at: '1m30s', duration: '10s', who: '50%' },
        { type: 'reprovision', at: '2m30s', who: { count: 5 } },
      ],
    });
    const c = (n: string): number => r.metrics.counters[n] ?? 0;
    expect(c('faults_injected_total{type="power-loss"}')).toBeGreaterThan(0);
    expect(c('provision_succeeded_total')).toBe(20 + 5);
    expect(c('provision_attempts_total')).toBe(20 + 5);
    expect(c('mqtt_connect_success_total')).toBeGreaterThanOrEqual(20 + 5);
    expect(r.metrics.histograms['provision_duration_us']?.count).toBe(25);
  }, 90_000);

  it('a registration refused with 503 (broker-reject) is retried until the device is registered', async () => {
    const r = await run({ faults: [{ type: 'broker-reject', at: '0s', duration: '40s' }] });
    const c = (n: string): number => r.metrics.counters[n] ?? 0;
    expect(c('provision_refused_total')).toBeGreaterThan(0);
    expect(c('provision_succeeded_total')).toBe(20);
    expect(c('provision_attempts_total')).toBe(
      20 + c('provision_refused_total') + c('provision_failed_total'),
    );
  }, 90_000);
});

describe('live install window', () => {
  it('the fleetstorm protocol: images verified before the window are installed when it opens', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'live-window-test',
        seed: 3,
        mode: 'live',
        duration: '8m',
        interval: '30s',
        // UTC+2: the run starts at 02:00 local time, and the window opens three minutes in
        fleet: [{ device: 'gateway', count: 10, timezone: 'UTC+2' }],
        'power-on': { spread: '10s' },
        rollout: { firmware: { version: '3.3.0', size: '64KiB' }, 'install-window': '02:03-03:00' },
        live: { speed: 60, 'max-concurrent-connections': 1000 },
      },
      'live-window-test (in memory)',
      { env: {} },
    );
    const r = (await runResolved(s, { noFiles: true })).report;
    const c = (n: string): number => r.metrics.counters[n] ?? 0;
    expect(c('ota_install_deferred_total')).toBe(10);
    expect(c('ota_install_started_total')).toBeGreaterThanOrEqual(10);
    expect(c('ota_install_outside_window_total')).toBe(0);
    expect(c('ota_succeeded_total') + c('ota_rolled_back_total')).toBe(10);
    const per = r.series.counters['ota_install_started_total'] ?? [];
    r.series.timesUs.forEach((t, i) => {
      if ((per[i] ?? 0) > 0) expect(t).toBeGreaterThan(3 * 60e6);
    });
  }, 90_000);
});
