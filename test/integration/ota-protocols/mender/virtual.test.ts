// Mender in virtual mode: the modelled API load is the protocol's request pattern (per check one
// `next` and 1/16 of an inventory, per status report 7/5 status PUTs and 1/5 auth, an inventory
// per boot), so "can our Mender server take 1M devices polling every 30 minutes during a wave"
// is a virtual-mode question; scenarios/ota-mender.yaml at reduced scale.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../../src/app/run.js';
import { ALL_REPORT_STATES } from '../../../../src/ota-protocols/types.js';
import type { Report } from '../../../../src/reports/report-types.js';
import { loadScenario } from '../../../../src/scenario/index.js';

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;

describe('Mender in virtual mode', () => {
  it('scenarios/ota-mender.yaml at 20k devices: requests per endpoint follow the request pattern', async () => {
    const s = await loadScenario('scenarios/ota-mender.yaml', { env: {}, overrides: { devices: 20_000 } });
    const r = (await runResolved(s, { noFiles: true })).report;
    const reports = ALL_REPORT_STATES.reduce((n, st) => n + c(r, `ota_reports_total{state="${st}"}`), 0);
    expect(c(r, 'ota_succeeded_total')).toBeGreaterThan(19_000);
    expect(reports).toBeGreaterThan(5 * 19_000);
    expect(c(r, 'ota_requests_total{endpoint="report"}') / reports).toBeCloseTo(7 / 5, 2);
    expect(c(r, 'ota_requests_total{endpoint="auth"}') / reports).toBeCloseTo(1 / 5, 2);
    const checks = c(r, 'ota_requests_total{endpoint="check"}');
    // boots: power-on, the reboot into each new image, and each power cut during install
    const boots =
      c(r, 'devices_powered_on_total') +
      c(r, 'ota_reports_total{state="rebooting"}') +
      c(r, 'faults_injected_total{type="power-loss"}');
    // at most every 30-minute poll of 12 hours (none while a device works on its update, nor
    // while its check waits in the modelled queue)
    expect(checks).toBeGreaterThan(20_000 * 10);
    expect(checks).toBeLessThan(20_000 * 24);
    const inventory = c(r, 'ota_requests_total{endpoint="inventory"}');
    expect(Math.abs(inventory - (checks / 16 + boots)) / inventory).toBeLessThan(0.01);
  }, 120_000);
});
