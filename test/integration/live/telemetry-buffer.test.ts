// Live mode: offline buffers and aligned schedules against the embedded backend. The readings a
// device misses during an outage go out as real publishes after its reconnect, acknowledged by
// the broker; `cron: "* * * * *"` publishes once per device and minute of its clock.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

async function run(telemetry: Record<string, unknown>, rest: Record<string, unknown>): Promise<Report> {
  const doc = {
    name: 'live-buffer-test',
    seed: 5,
    mode: 'live',
    duration: '6m',
    fleet: [
      {
        device: {
          name: 'buffered-gateway',
          extends: 'gateway',
          telemetry: { payload: '100B', ...telemetry },
          connectivity: { backoff: { policy: 'full', base: '1s', max: '10s', multiplier: 2 } },
        },
        count: 20,
      },
    ],
    'power-on': { spread: '20s' },
    live: { speed: 60, 'max-concurrent-connections': 1000 },
    ...rest,
  };
  const s = await resolveScenarioObject(doc, 'live-buffer-test (in memory)', { env: {} });
  return (await runResolved(s, { noFiles: true })).report;
}

describe('live telemetry buffer and schedules', () => {
  it('an outage: the missed readings are flushed through the broker after the reconnect', async () => {
    const r = await run(
      { interval: '10s', jitter: '0s', buffer: { capacity: 100, 'flush-rate': '2/s' } },
      { faults: [{ type: 'backend-outage', at: '2m', duration: '1m' }] },
    );
    const c = (n: string): number => r.metrics.counters[n] ?? 0;
    // a minute at 10s: about 6 readings per device (more while it waits for its reconnect)
    expect(c('telemetry_buffered_total')).toBeGreaterThanOrEqual(20 * 5);
    expect(c('telemetry_flushed_total')).toBe(c('telemetry_buffered_total'));
    expect(c('telemetry_dropped_total{reason="buffer_full"}')).toBe(0);
    // the flushed readings were real publishes: the broker acknowledged (nearly) all of them
    expect(c('mqtt_publish_acked_total')).toBeGreaterThanOrEqual(c('mqtt_publish_total') - 20);
  }, 60_000);

  it('cron every minute: one publish per device and minute', async () => {
    const r = await run({ cron: '* * * * *', jitter: '0s' }, { duration: '3m30s', interval: '10s' });
    const total = r.metrics.counters.mqtt_publish_total ?? 0;
    // minutes 1, 2 and 3
    expect(total).toBe(60);
    const pubs = r.series.counters.mqtt_publish_total ?? [];
    const busy = r.series.timesUs.filter((_, i) => (pubs[i] ?? 0) > 0).map((t) => Math.round(t / 10e6));
    // each minute's publishes fall in the 10 s interval ending just after it (or the next, when the machine lags)
    for (const k of busy) expect([7, 8, 13, 14, 19, 20]).toContain(k);
  }, 60_000);
});
