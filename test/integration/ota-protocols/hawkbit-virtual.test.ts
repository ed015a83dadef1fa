// hawkBit DDI in virtual mode: the modelled API load is the protocol's request pattern (a poll
// per check at the tenant's polling time, a deploymentBase GET per offer, a feedback per step,
// configData per boot), so "can our hawkBit server take 1M devices polling every 5 minutes during
// a rollout" is a virtual-mode question; scenarios/ota-hawkbit.yaml at reduced scale.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { ALL_REPORT_STATES } from '../../../src/ota-protocols/types.js';
import type { Report } from '../../../src/reports/report-types.js';
import { loadScenario } from '../../../src/scenario/index.js';

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;

describe('hawkBit in virtual mode', () => {
  it('scenarios/ota-hawkbit.yaml at 20k devices: requests per endpoint follow the request pattern', async () => {
    const s = await loadScenario('scenarios/ota-hawkbit.yaml', { env: {}, overrides: { devices: 20_000 } });
    const r = (await runResolved(s, { noFiles: true })).report;
    expect(c(r, 'ota_succeeded_total')).toBeGreaterThan(19_000);
    // one feedback per reported step, every step reported
    const reports = ALL_REPORT_STATES.reduce((n, st) => n + c(r, `ota_reports_total{state="${st}"}`), 0);
    expect(c(r, 'ota_requests_total{endpoint="report"}')).toBe(reports);
    expect(c(r, 'ota_reports_total{state="downloading"}')).toBeGreaterThanOrEqual(20_000);
    // configData per boot: power-on, the reboot into the new image, each power cut during install
    const boots =
      c(r, 'devices_powered_on_total') +
      c(r, 'ota_reports_total{state="rebooting"}') +
      c(r, 'faults_injected_total{type="power-loss"}');
    const inventory = c(r, 'ota_requests_total{endpoint="inventory"}');
    expect(Math.abs(inventory - boots) / boots).toBeLessThan(0.01);
    // a deploymentBase GET per offer answered: at least one per device offered, at most one per download
    const deployment = c(r, 'ota_requests_total{endpoint="deployment"}');
    expect(deployment).toBeGreaterThanOrEqual(c(r, 'ota_offered_total'));
    expect(deployment).toBeLessThanOrEqual(c(r, 'ota_download_started_total'));
    // polls every 5 minutes until updated (12 hours: at most 144 per device)
    const checks = c(r, 'ota_requests_total{endpoint="check"}');
    expect(checks).toBe(c(r, 'http_checkin_total'));
    expect(checks).toBeGreaterThan(20_000 * 12); // at least the hour before the first wave
    expect(checks).toBeLessThan(20_000 * 144);
  }, 120_000);
});
