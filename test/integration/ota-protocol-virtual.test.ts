// Virtual mode counts the OTA protocol's request pattern: the modelled API sees each check,
// status report and boot request the chosen protocol makes, and the report breaks the load
// down per endpoint (requests, requests/s, latency percentiles).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { renderHtml } from '../../src/reports/html/render-html.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

async function run(protocol: string, checkin?: Record<string, unknown>): Promise<Report> {
  const device = {
    name: 'gw',
    extends: 'gateway',
    ota: { protocol, discovery: 'poll', 'check-interval': '30m', 'health-failure': '0%' },
  };
  const s = await resolveScenarioObject(
    {
      name: `virtual-${protocol}`,
      seed: 9,
      duration: '6h',
      interval: '5m',
      'power-on': { spread: '5m' },
      fleet: [{ device, count: 2000 }],
      rollout: { firmware: { version: '2.0.0', size: '256KiB' }, start: '10m', waves: ['100%'] },
      ...(checkin ? { backend: { checkin } } : {}),
    },
    'ota-protocol-virtual',
    { env: {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

const c = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

describe('virtual mode: the OTA protocol request pattern', () => {
  it('fleetstorm: one check request per check-in, one status request per reported state, per-endpoint figures in the report', async () => {
    const r = await run('fleetstorm');
    expect(c(r, 'ota_succeeded_total')).toBe(2000);
    expect(c(r, 'ota_requests_total{endpoint="check"}')).toBe(c(r, 'http_checkin_total'));
    // downloading, downloaded, installing, rebooting, success: five reports per device.
    expect(c(r, 'ota_requests_total{endpoint="report"}')).toBe(5 * 2000);
    expect(c(r, 'ota_reports_total{state="success"}')).toBe(2000);
    expect(c(r, 'ota_requests_total{endpoint="download"}')).toBe(c(r, 'ota_download_started_total'));
    expect(c(r, 'ota_requests_total{endpoint="inventory"}')).toBe(0);
    const byEndpoint = Object.fromEntries((r.ota?.endpoints ?? []).map((e) => [e.endpoint, e]));
    expect(Object.keys(byEndpoint).sort()).toEqual(['check', 'download', 'report']);
    const check = byEndpoint.check;
    expect(check?.ratePerSec).toBeCloseTo((check?.requests ?? 0) / (6 * 3600), 6);
    expect(check?.p50Us ?? 0).toBeGreaterThan(0);
    expect(check?.p99Us ?? 0).toBeGreaterThanOrEqual(check?.p50Us ?? 0);
    expect(byEndpoint.download?.p50Us).toBeNull();
    expect(check?.peakRatePerSec ?? 0).toBeGreaterThan(check?.ratePerSec ?? 0); // checks bunch at the wave
    const html = renderHtml(r);
    expect(html).toContain('OTA requests per endpoint (fleetstorm)');
    expect(html).toMatch(/<code>report<\/code><\/td><td class="num">10\u202f000</);
    expect(renderSummary(r)).toMatch(
      /OTA requests \(ota\.protocol: fleetstorm[^\n]*\n[^\n]*endpoint[\s\S]*report\s+10,000/,
    );
  }, 120_000);

  it('the protocol changes the load, not the outcome: Mender adds inventory and auth requests, a slow API slows the checks', async () => {
    const fs = await run('fleetstorm');
    const mender = await run('mender');
    expect(c(mender, 'ota_succeeded_total')).toBe(2000);
    expect(c(mender, 'ota_requests_total{endpoint="inventory"}')).toBeGreaterThanOrEqual(2000); // one per boot at least
    expect(c(mender, 'ota_requests_total{endpoint="auth"}')).toBeGreaterThan(0);
    expect(c(mender, 'ota_requests_total{endpoint="report"}')).toBeGreaterThan(
      c(fs, 'ota_requests_total{endpoint="report"}'),
    );
    // A check-in API at 2 requests/s: the same fleet's checks wait in its queue.
    const slow = await run('fleetstorm', { rate: '2/s' });
    const p99 = (r: Report): number => r.ota?.endpoints.find((e) => e.endpoint === 'check')?.p99Us ?? 0;
    expect(p99(slow)).toBeGreaterThan(10 * p99(fs));
  }, 240_000);
});
