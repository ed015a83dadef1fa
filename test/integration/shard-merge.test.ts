// --shard i/N runs a deterministic slice of the fleet; merging the N shard reports gives the
// same totals as the unsharded run (with a backend that is not saturated, each device lives
// exactly the same life in both, so the counters match to the unit).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { mergeReports } from '../../src/reports/merge.js';
import type { Report } from '../../src/reports/report-types.js';
import { loadScenario } from '../../src/scenario/index.js';

async function run(shard?: { index: number; count: number }): Promise<Report> {
  const s = await loadScenario('test/fixtures/e2e/shardable.yaml', {
    env: {},
    overrides: shard ? { shard } : {},
  });
  return (await runResolved(s, { noFiles: true })).report;
}

describe('sharding', () => {
  it('merged shard reports equal the unsharded run', async () => {
    const whole = await run();
    const parts = [];
    for (let i = 0; i < 3; i++) parts.push(await run({ index: i, count: 3 }));
    expect(parts.map((p) => p.devices).reduce((a, b) => a + b, 0)).toBe(whole.devices);
    const merged = mergeReports(parts);
    expect(merged.devices).toBe(whole.devices);
    for (const [name, v] of Object.entries(whole.metrics.counters))
      expect(merged.metrics.counters[name], name).toBe(v);
    for (const [name, h] of Object.entries(whole.metrics.histograms)) {
      expect(merged.metrics.histograms[name]?.count, name).toBe(h.count);
      expect(merged.metrics.histograms[name]?.p99Us, name).toBe(h.p99Us);
    }
    expect(merged.series.timesUs).toEqual(whole.series.timesUs);
    expect(merged.series.connStates.connected).toEqual(whole.series.connStates.connected);
    expect(merged.verdict).toBe(whole.verdict);
  });
});
