// AWS IoT Jobs in virtual mode: the modelled fleet sends the protocol's messages (a start-next
// per check, an update per reported state, a shadow update per boot), counted per endpoint as
// live mode counts them, and the live run's scenario ends with the same outcome shares.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../../src/app/run.js';
import { resolveScenarioObject } from '../../../../src/scenario/index.js';

function scenario(mode: 'virtual' | 'live', devices: number) {
  const doc = {
    name: `aws-jobs-${mode}`,
    seed: 4,
    mode,
    duration: '5m',
    fleet: [
      { device: { name: 'jobs-gw', extends: 'gateway', ota: { protocol: 'aws-iot-jobs' } }, count: devices },
    ],
    'power-on': { spread: '10s' },
    ...(mode === 'live' ? { live: { speed: 60 } } : {}),
    rollout: { firmware: { version: '8.0.0', size: '64KiB' }, start: '30s', waves: ['100%'] },
  };
  return resolveScenarioObject(doc, `aws-jobs-${mode} (in memory)`, { env: {}, overrides: {} });
}

describe('AWS IoT Jobs in virtual mode', () => {
  it('counts the protocol’s messages per endpoint, and ends as the live run does', async () => {
    const { report: v } = await runResolved(await scenario('virtual', 2000), { noFiles: true });
    const vc = (name: string): number => v.metrics.counters[name] ?? 0;
    // a gateway's image fails its health check now and then (rolled back)
    expect(vc('ota_succeeded_total') + vc('ota_rolled_back_total')).toBe(2000);
    expect(vc('ota_succeeded_total')).toBeGreaterThanOrEqual(1980);
    const states = ['downloading', 'downloaded', 'installing', 'success', 'failure'];
    const reported = states.reduce((n, st) => n + vc(`ota_reports_total{state="${st}"}`), 0);
    expect(vc('ota_reports_total{state="rebooting"}')).toBe(0);
    expect(vc('ota_requests_total{endpoint="report"}')).toBe(reported);
    expect(vc('ota_requests_total{endpoint="report"}')).toBeGreaterThanOrEqual(4 * 2000);
    // one shadow update per boot: power-on and the reboot into the new image
    expect(vc('ota_requests_total{endpoint="inventory"}')).toBe(2 * 2000);
    expect(vc('ota_requests_total{endpoint="check"}')).toBeGreaterThanOrEqual(2000);

    const { report: l } = await runResolved(await scenario('live', 10), { noFiles: true, plan: false });
    const lc = (name: string): number => l.metrics.counters[name] ?? 0;
    expect(l.status).toBe('completed');
    // the same share commits in both modes (within sampling error); live sends one more shadow
    // update per device (the commit's), which the virtual pattern does not model
    expect(Math.abs(lc('ota_succeeded_total') / 10 - vc('ota_succeeded_total') / 2000)).toBeLessThan(0.1);
    expect(lc('ota_requests_total{endpoint="inventory"}')).toBeGreaterThanOrEqual(
      2 * 10 + lc('ota_succeeded_total'),
    );
  }, 90_000);
});
