// --shard i/N runs a deterministic slice of the fleet; merging the N shard reports gives the
// same totals as the unsharded run (with a backend that is not saturated, each device lives
// exactly the same life in both, so the counters match to the unit).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { mergeCommand } from '../../src/cli/commands/tools.js';
import { mergeReports } from '../../src/reports/merge.js';
import type { Report } from '../../src/reports/report-types.js';
import { loadScenario } from '../../src/scenario/index.js';

async function run(shard?: { index: number; count: number }, outDir?: string): Promise<Report> {
  const s = await loadScenario('test/fixtures/e2e/shardable.yaml', {
    env: {},
    overrides: shard ? { shard } : {},
  });
  const files = outDir ? { outDir, html: false } : { noFiles: true };
  return (await runResolved(s, files)).report;
}

const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

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

  it("report merge concatenates the shards' outcome files into the unsharded run's", async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'fleetstorm-shard-outcomes-'));
    tmpDirs.push(tmp);
    const whole = await run(undefined, join(tmp, 'whole'));
    expect(whole.outcomes.total).toBeGreaterThan(0);
    const dirs = [0, 1, 2].map((i) => join(tmp, `shard-${i}`));
    for (const [i, dir] of dirs.entries()) await run({ index: i, count: 3 }, dir);
    await mergeCommand(
      dirs.map((d) => join(d, 'report.json')),
      join(tmp, 'merged'),
      true,
    );
    const read = (dir: string, f: string): Promise<string> => readFile(join(tmp, dir, f), 'utf8');
    expect(await read('merged', 'outcomes.ndjson')).toBe(await read('whole', 'outcomes.ndjson'));
    expect(await read('merged', 'outcomes.csv')).toBe(await read('whole', 'outcomes.csv'));
    const merged = JSON.parse(await read('merged', 'report.json')) as Report;
    expect(merged.outcomes.file).toBe('outcomes.ndjson');
    expect(merged.outcomes.total).toBe(whole.outcomes.total);
  });
});
