// `--processes N` in live mode: the parent starts the embedded backend once, runs one child
// process per shard (bin/fleetstorm.js run-resolved, so `npm run build` must have run) and
// merges their reports. Counts are asserted, never wall-clock speed.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { liveScenario } from './live-helpers.js';

const counter = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

describe('live mode over several processes', () => {
  it('merges the shards of 2 processes into the report of the whole fleet', async () => {
    const base = await liveScenario({ devices: 40, duration: '2m', speed: 60 });
    const s = { ...base, live: { ...base.live, processes: 2 } };
    const { report, exitCode } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    expect(exitCode).toBe(0);
    expect(report.devices).toBe(40);
    expect(report.scenario.shard).toBeNull();
    expect(report.scenario.live.processes).toBe(2);
    expect(report.replay).toContain('--processes 2');
    expect(counter(report, 'devices_powered_on_total')).toBe(40);
    expect(counter(report, 'mqtt_connect_success_total')).toBe(40);
    const sent = counter(report, 'mqtt_publish_total');
    expect(sent).toBeGreaterThanOrEqual(40);
    expect(counter(report, 'mqtt_publish_acked_total')).toBe(sent);
    expect(counter(report, 'mqtt_delivered_total')).toBe(sent);
  }, 40_000);
});
