// `who.count` and count waves are exact: the devices with the smallest hashes of the whole
// fleet, so the same devices are chosen whatever the worker count or the --shard split.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { mergeReports } from '../../src/reports/merge.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

async function run(shard?: { index: number; count: number }): Promise<Report> {
  const s = await resolveScenarioObject(
    {
      name: 'exact-counts',
      seed: 21,
      duration: '3h',
      interval: '10m',
      fleet: [
        { device: 'gateway', count: 3000 },
        { device: 'sensor', count: 2000 },
      ],
      'power-on': { spread: '10m' },
      rollout: {
        firmware: { version: '3.0.0', size: '64KiB' },
        start: '20m',
        waves: [250, 1000, '100%'],
        'wave-interval': '30m',
        selector: { device: 'gateway' },
      },
      faults: [{ type: 'radio-drop', at: '1h', every: '1h', who: { device: 'gateway', count: 137 } }],
    },
    'exact-counts (in memory)',
    { env: {}, overrides: shard ? { shard } : {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

describe('exact counts', () => {
  it('a count fault hits exactly that many devices at each occurrence, a count wave holds exactly that many', async () => {
    const r = await run();
    const hits = r.faults.filter((f) => f.faultId === 'f0').map((f) => f.devicesHit);
    expect(hits).toEqual([137, 137]);
    expect(r.rollout?.waves.map((w) => w.targeted)).toEqual([250, 750, 2000]);
  });

  it('is the same over --shard 0/3, 1/3, 2/3 merged', async () => {
    const parts = [];
    for (let i = 0; i < 3; i++) parts.push(await run({ index: i, count: 3 }));
    const merged = mergeReports(parts);
    expect(merged.metrics.counters['faults_injected_total{type="radio-drop"}']).toBe(2 * 137);
    expect(merged.rollout?.waves.map((w) => w.targeted)).toEqual([250, 750, 2000]);
  });
});
