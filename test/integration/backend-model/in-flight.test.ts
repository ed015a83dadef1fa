// backend.mqtt.track-in-flight: a QoS 1 publish whose PUBACK would reach the device after its
// session dropped is in flight at the drop, as live mode's client sees it. Analytic case: every
// device publishes exactly once a minute and the broker answers each publish 60 s later (59.996 s
// of service + 2 × 2 ms of radio), so at the outage each device has exactly one publish in flight:
// the kept sessions send theirs again after the reconnect (latency from the first send, so above
// 60 s + the outage's 60 s), the clean sessions lose theirs.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const EVERY_MINUTE = {
  radio: { profile: 'ethernet', latency: '2ms' },
  telemetry: { interval: '1m', jitter: '0s' },
};
const KEPT = { name: 'kept-gateway', extends: 'gateway', ...EVERY_MINUTE };
const CLEAN = {
  name: 'clean-gateway',
  extends: 'gateway',
  ...EVERY_MINUTE,
  connectivity: { 'clean-session': true },
};

async function run(track: boolean): Promise<Report> {
  const s = await resolveScenarioObject(
    {
      name: 'in-flight',
      seed: 9,
      duration: '20m',
      interval: '1m',
      fleet: [
        { device: KEPT, count: 60 },
        { device: CLEAN, count: 40 },
      ],
      'power-on': { spread: '1m' },
      backend: {
        ingest: { latency: '59996ms' },
        ...(track ? { mqtt: { 'track-in-flight': true } } : {}),
      },
      faults: [{ type: 'backend-outage', at: '10m', duration: '1m' }],
    },
    'in-flight',
    { env: {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

describe('QoS 1 publishes in flight at a drop (virtual)', () => {
  it('kept sessions resend theirs after the reconnect, clean ones lose them', async () => {
    const r = await run(true);
    const c = (n: string): number => r.metrics.counters[n] ?? 0;
    expect(c('mqtt_disconnects_total{reason="outage"}')).toBe(100);
    expect(c('mqtt_publish_resent_total')).toBe(60);
    expect(c('mqtt_publish_failed_total{reason="disconnected"}')).toBe(40);
    // every publish ends acked once or failed once (the resend is not a new publish)
    expect(c('mqtt_publish_acked_total') + 40).toBe(c('mqtt_publish_total'));
    const ack = r.metrics.histograms.mqtt_publish_ack_duration_us!;
    expect(ack.count).toBe(c('mqtt_publish_acked_total'));
    expect(ack.minUs).toBeGreaterThanOrEqual(59_990_000);
    // a resent publish waited out the outage: at least 60 s + 60 s from its first send
    expect(ack.maxUs).toBeGreaterThan(120_000_000);
    expect(r.scenario.backend.mqtt).toEqual({ trackInFlight: true });
  }, 60_000);

  it('without tracking, every publish the broker took counts as acked at 60 s', async () => {
    const r = await run(false);
    const c = (n: string): number => r.metrics.counters[n] ?? 0;
    expect(c('mqtt_publish_resent_total')).toBe(0);
    expect(c('mqtt_publish_failed_total{reason="disconnected"}')).toBe(0);
    expect(c('mqtt_publish_acked_total')).toBe(c('mqtt_publish_total'));
    expect(r.metrics.histograms.mqtt_publish_ack_duration_us!.maxUs).toBeLessThan(60_100_000);
  }, 60_000);
});
