// backend.mqtt.session-takeover: a reconnect that takes over a kept session its device left by a
// reset (here, a backend outage) is answered that much later; clean sessions and first connects
// pay nothing, and without the setting the model is unchanged.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { CLEAN_GATEWAY as CLEAN } from '../../helpers/storm-device.js';

async function storm(mqtt?: Record<string, unknown>): Promise<Report> {
  const s = await resolveScenarioObject(
    {
      name: 'takeover-storm',
      seed: 5,
      duration: '20m',
      interval: '1m',
      fleet: [
        { device: 'gateway', count: 300 }, // clean-session: false
        { device: CLEAN, count: 300 },
      ],
      'power-on': { spread: '1m' },
      backend: mqtt === undefined ? {} : { mqtt },
      faults: [{ type: 'backend-outage', at: '10m', duration: '2m' }],
    },
    'takeover-storm',
    { env: {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

describe('session takeover cost (virtual)', () => {
  it('a reconnect of a kept session after the outage is answered 200 ms later; nothing else is', async () => {
    const base = await storm();
    const slow = await storm({ 'session-takeover': '200ms' });
    const b = base.metrics.histograms.mqtt_connect_duration_us!;
    const t = slow.metrics.histograms.mqtt_connect_duration_us!;
    // 600 connects at power-on, 600 after the outage; the 300 kept sessions' reconnects pay
    expect(b.count).toBe(1200);
    expect(t.count).toBe(1200);
    expect(b.maxUs).toBeLessThan(100_000);
    // mean over 1,200 connects: + 300 × 200 ms / 1,200 = + 50 ms (unloaded broker: no queueing)
    expect(t.meanUs - b.meanUs).toBeGreaterThan(48_000);
    expect(t.meanUs - b.meanUs).toBeLessThan(52_000);
    expect(t.minUs).toBeLessThan(100_000); // first connects and clean sessions pay nothing
    expect(slow.scenario.backend.mqtt).toEqual({
      sessionTakeover: { latencyUs: { min: 200_000, max: 200_000 } },
    });
    expect(base.scenario.backend).not.toHaveProperty('mqtt');
  }, 60_000);

  it('a lognormal takeover { p50, p99 } draws the kept sessions reconnects from it', async () => {
    const slow = await storm({ 'session-takeover': { p50: '100ms', p99: '400ms' } });
    const t = slow.metrics.histograms.mqtt_connect_duration_us!;
    // 900 of 1,200 connects pay nothing (a few ms); the overall p90 is the takeovers' p60:
    // 100 ms × exp(σ × 0.253), σ = ln(400 / 100) / 2.326, ≈ 116 ms (+ a few ms of connect)
    expect(t.p50Us).toBeLessThan(50_000);
    expect(t.p90Us).toBeGreaterThan(105_000);
    expect(t.p90Us).toBeLessThan(140_000);
    expect(t.maxUs).toBeLessThan(2_000_000);
  }, 60_000);
});
