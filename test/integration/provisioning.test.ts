// Provisioning, power-on waves and lifecycle against their analytic expectations: a wave of N
// devices over a spread S on a registration API of rate R registers by ≈ max(S, N/R) after its
// start; a device registered once does not register again when it reboots; a re-provisioned
// device registers again; a decommissioned one stays off.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { deterministicJson } from '../../src/reports/json.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { renderHtml } from '../../src/reports/html/render-html.js';
import type { Report } from '../../src/reports/report-types.js';
import { loadScenario, resolveScenarioObject } from '../../src/scenario/index.js';

async function run(doc: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject({ name: 'provisioning-test', ...doc }, 'provisioning-test', {
    env: {},
  });
  return (await runResolved(s, { noFiles: true })).report;
}

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;

const registering = { name: 'meter', extends: 'gateway', provisioning: { timeout: '10m' } };

/** End time of the last interval in which a registration succeeded. */
function lastRegistrationUs(r: Report): number {
  const per = r.series.counters['provision_succeeded_total'] ?? [];
  let last = -1;
  per.forEach((n, i) => {
    if (n > 0) last = i;
  });
  return r.series.timesUs[last] ?? -1;
}

describe('provisioning and power-on waves', () => {
  it('a wave of N over S at rate R registers by max(S, N/R); the early group does not wait for it', async () => {
    const early = 1000;
    const wave = 3000;
    const ratePerSec = 20; // N/R = 150 s > S = 60 s
    const r = await run({
      duration: '30m',
      interval: '10s',
      fleet: [
        { device: registering, count: early },
        { device: 'meter', count: wave, 'power-on': { start: '10m', spread: '1m' } },
      ],
      backend: { registration: { rate: `${ratePerSec}/s`, queue: 100000, latency: '10ms..20ms' } },
    });
    expect(c(r, 'provision_succeeded_total')).toBe(early + wave);
    expect(c(r, 'provision_attempts_total')).toBe(early + wave);
    expect(c(r, 'mqtt_connect_success_total')).toBe(early + wave);
    const doneUs = lastRegistrationUs(r);
    const expectUs = 10 * 60e6 + Math.max(60e6, (wave / ratePerSec) * 1e6);
    // the series' resolution (10 s) and the per-shard queues bound the error
    expect(Math.abs(doneUs - expectUs)).toBeLessThanOrEqual(20e6);
    // nobody of the wave powered on before 10m: the first 10 minutes hold only the early group
    const perInterval = r.series.counters['provision_succeeded_total'] ?? [];
    const before = perInterval.slice(0, 60).reduce((x, y) => x + y, 0);
    expect(before).toBe(early);
  });

  it('registration refused beyond the queue is retried with the backoff until everyone is in', async () => {
    const r = await run({
      duration: '1h',
      fleet: [{ device: registering, count: 2000 }],
      backend: { registration: { rate: '50/s', queue: 200, latency: '10ms..20ms' } },
    });
    expect(c(r, 'provision_refused_total')).toBeGreaterThan(0);
    expect(c(r, 'provision_succeeded_total')).toBe(2000);
    expect(c(r, 'provision_attempts_total')).toBe(
      2000 + c(r, 'provision_refused_total') + c(r, 'provision_failed_total'),
    );
  });

  it('a reboot does not register again; a re-provisioned device does; a decommissioned one stays off', async () => {
    const devices = 2000;
    const r = await run({
      duration: '2h',
      fleet: [{ device: registering, count: devices }],
      'power-on': { spread: '1m' },
      faults: [
        { type: 'power-loss', at: '20m', duration: '30s', who: '50%' },
        { type: 'decommission', at: '40m', who: { count: 300 } },
        { type: 'reprovision', at: '60m', who: { count: 200 } },
      ],
    });
    const reprovisioned = c(r, 'faults_injected_total{type="reprovision"}');
    expect(c(r, 'faults_injected_total{type="decommission"}')).toBe(300);
    expect(reprovisioned).toBe(200);
    expect(c(r, 'provision_succeeded_total')).toBe(devices + reprovisioned);
    expect(c(r, 'provision_attempts_total')).toBe(devices + reprovisioned);
    // decommissioned devices not re-provisioned are off at the end
    const off = r.series.connStates?.off ?? [];
    expect(off[off.length - 1]).toBeGreaterThanOrEqual(300 - reprovisioned);
  });

  it('a type without provisioning never registers', async () => {
    const r = await run({ duration: '10m', fleet: [{ device: 'gateway', count: 500 }] });
    expect(c(r, 'provision_attempts_total')).toBe(0);
    expect(c(r, 'mqtt_connect_success_total')).toBe(500);
  });
});

describe('determinism', () => {
  it('provisioning-storm and maintenance-window: identical reports with 1 and 3 workers', async () => {
    for (const [name, devices] of [
      ['provisioning-storm', 6000],
      ['maintenance-window', 3000],
    ] as const) {
      const body = async (workers: number): Promise<string> => {
        const s = await loadScenario(`scenarios/${name}.yaml`, {
          env: {},
          overrides: { devices, workers, scaleBackend: true },
        });
        return deterministicJson((await runResolved(s, { noFiles: true })).report);
      };
      expect(await body(3), name).toBe(await body(1));
    }
  });
});

describe('scenarios/provisioning-storm.yaml at reduced scale', () => {
  it('the batch waits in the registration queue, ≈ N/R − S at worst, and passes its thresholds', async () => {
    const s = await loadScenario('scenarios/provisioning-storm.yaml', {
      env: {},
      overrides: { devices: 5000, scaleBackend: true },
    });
    const r = (await runResolved(s, { noFiles: true })).report;
    expect(r.verdict).toBe('passed');
    expect(c(r, 'provision_succeeded_total')).toBe(5000);
    expect(renderSummary(r)).toMatch(
      /registration storm: peak [\d.]+ registrations\/s .* \(API rate 20\/s\), the last registered by 3[23]/,
    );
    // the wave: 3000 over 2m at 20/s (scaled) leaves the last ones N/R − S = 30 s in the queue
    const p99 = r.metrics.histograms['provision_duration_us']?.p99Us ?? 0;
    expect(p99).toBeGreaterThan(20e6);
    expect(p99).toBeLessThan(40e6);
    // the HTML report draws the registration storm beside the connects it gates
    const html = renderHtml(r);
    expect(html).toContain('registered');
    expect(renderHtml({ ...r, series: { ...r.series, counters: {} } })).not.toContain('registered');
  });
});
