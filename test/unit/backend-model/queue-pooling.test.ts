// The shards' queues pooled at each barrier (src/backend-model/queue-pooling.ts). Sites are
// contiguous devices inside one shard, so one site's reconnect storm lands on one shard: counted
// as every shard's load, it queued in that shard's quarter of the broker (25/s of 100/s) and the
// site took 45 s to come back; standing for itself alone it is served as one broker serving
// everyone in arrival order serves it. The same figures for any worker count.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { pooledLevels } from '../../../src/backend-model/queue-pooling.js';

const DEVICES = 8000; // 4 shards of 2,000, two sites of 1,000 each
const RATE = 100; // connects/s, the whole broker

async function run(workers: number): Promise<Report> {
  const s = await resolveScenarioObject(
    {
      name: 'pooling',
      seed: 7,
      duration: '4m',
      interval: '1s',
      workers,
      fleet: [
        {
          count: DEVICES,
          device: {
            name: 'site-gw',
            extends: 'gateway',
            radio: { profile: 'ethernet', latency: '0s..0s', loss: '0%' },
            connectivity: { 'connect-timeout': '1h', backoff: { policy: 'full', base: '2s', max: '20s' } },
            telemetry: { interval: '1h' },
          },
        },
      ],
      sites: { count: 8 },
      'power-on': { spread: '100s' },
      backend: { connect: { rate: `${RATE}/s`, burst: 1, queue: 1_000_000, latency: '0ms..0ms' } },
      faults: [{ type: 'radio-drop', at: '150s', duration: '5s', who: { sites: 1 } }],
    },
    'pooling',
    { env: {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

const OUTAGE_S = 5;
const SITE_DEVICES = DEVICES / 8;

describe('queues pooled at the barriers', () => {
  it('one site’s reconnect storm is served by the whole broker, not its shard’s share', async () => {
    const r = await run(1);
    const recovery = r.metrics.histograms.site_recovery_duration_us;
    expect(recovery?.count).toBe(1);
    // one broker serving everyone in arrival order: the outage, then the site's 1,000 at 100/s
    // (counted as every shard's load, as before, the site came back in 45 s)
    const analyticS = OUTAGE_S + SITE_DEVICES / RATE; // 15 s
    expect(Math.abs((recovery?.maxUs ?? 0) / 1e6 - analyticS)).toBeLessThan(1.5);
    expect(r.metrics.counters['mqtt_connect_failed_total{reason="rejected"}'] ?? 0).toBe(0);
  }, 60_000);

  it('pools the same for any worker count', async () => {
    const [one, two] = [await run(1), await run(2)];
    expect(two.metrics.histograms.mqtt_connect_duration_us).toEqual(
      one.metrics.histograms.mqtt_connect_duration_us,
    );
    expect(two.metrics.histograms.site_recovery_duration_us).toEqual(
      one.metrics.histograms.site_recovery_duration_us,
    );
  }, 60_000);
});

describe('pooledLevels', () => {
  it('averages the backlogs and keeps each shard’s own work whole', () => {
    // three shards: backlogs 3, 0, 0 µs-of-work and 6, 0, 0 (the first holding 2 of its own)
    const pooled = pooledLevels([
      [3, 6, 0, 2],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(pooled).toEqual([1, 2 + (2 * 2) / 3]);
    expect(pooledLevels([[5, 0]])).toBeNull(); // one shard: nothing to pool
  });
});
