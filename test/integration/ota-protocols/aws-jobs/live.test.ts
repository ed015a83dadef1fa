// AWS IoT Jobs end to end in live mode: gateways whose OTA agent speaks Jobs over their own MQTT
// sessions to the embedded backend's jobs service, on the scenario's rollout. Counts are
// asserted, never wall-clock speed.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import type { ResolvedScenario } from '../../../src/scenario/index.js';

interface JobsDoc {
  devices: number;
  duration?: string;
  rollout: Record<string, unknown>;
  faults?: Record<string, unknown>[];
  ota?: Record<string, unknown>;
}

function jobsScenario(o: JobsDoc): Promise<ResolvedScenario> {
  const device = {
    name: 'jobs-gateway',
    extends: 'gateway',
    ota: { protocol: 'aws-iot-jobs', 'check-interval': '1m', ...(o.ota ?? {}) },
  };
  const doc = {
    name: 'live-aws-jobs',
    seed: 5,
    mode: 'live',
    duration: o.duration ?? '10m',
    fleet: [{ device, count: o.devices }],
    'power-on': { spread: '20s' },
    live: { speed: 60, 'max-concurrent-connections': 1000 },
    rollout: o.rollout,
    faults: o.faults ?? [],
  };
  return resolveScenarioObject(doc, 'live-aws-jobs (in memory)', { env: {}, overrides: {} });
}

describe('AWS IoT Jobs in live mode against the embedded jobs service', () => {
  it('rolls firmware out in two waves: start-next, updates per state, shadow; every device commits', async () => {
    const rollout = {
      firmware: { version: '9.0.0', size: '128KiB' },
      start: '1m',
      waves: ['50%', '100%'],
      'wave-interval': '2m',
    };
    const s = await jobsScenario({ devices: 10, rollout });
    const r = await runLive(s, { workers: 1 });
    expect(r.status).toBe('completed');
    expect(r.agg.counter('ota_succeeded_total')).toBe(10);
    expect(r.rollout?.waves.map((w) => w.succeeded)).toEqual([5, 5]);
    expect(r.agg.counter('ota_requests_total{endpoint="check"}')).toBeGreaterThanOrEqual(10);
    // downloading, downloaded, installing, success: one update each, every one sent and accepted
    // (rebooting is not sent: the device goes down with its session)
    const states = ['downloading', 'downloaded', 'installing', 'success'];
    const reported = states.map((st) => r.agg.counter(`ota_reports_total{state="${st}"}`));
    expect(reported.slice(1)).toEqual([10, 10, 10]);
    expect(r.agg.counter('ota_requests_total{endpoint="report"}')).toBe(reported.reduce((a, b) => a + b, 0));
    expect(r.agg.counter('ota_reports_total{state="rebooting"}')).toBe(0);
    // a shadow update per boot (power-on, the reboot into the new image) and one after the commit
    expect(r.agg.counter('ota_requests_total{endpoint="inventory"}')).toBe(10 * 3);
    for (const e of ['check', 'report', 'inventory'])
      expect(r.agg.counter(`ota_requests_failed_total{endpoint="${e}"}`)).toBe(0);
  }, 60_000);
});
