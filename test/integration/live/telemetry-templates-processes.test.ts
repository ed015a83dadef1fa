// Templated telemetry over `--processes 2`: every shard publishes on the same templated topics,
// shard 0's subscriber alone counts them, so the merged report counts each delivery once.
// Shard 1 sets up a second late (as a loaded machine may spawn it): the processes still start
// their clocks together and end together, so none of its deliveries is missing.
import { afterEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

describe('templated telemetry over several processes', () => {
  afterEach(() => {
    delete process.env.FLEETSTORM_SELFTEST_SLOW_START;
  });

  it('counts each delivery once in the merged report, with no gap or duplicate', async () => {
    const doc = {
      name: 'templates-processes',
      seed: 4,
      mode: 'live',
      duration: '2m',
      fleet: [
        {
          count: 40,
          device: {
            name: 'meter',
            radio: { profile: 'ethernet' },
            connectivity: { mode: 'persistent' },
            telemetry: {
              interval: '15s',
              topic: 'devices/{id}/telemetry',
              payload: {
                json: { id: { device: 'id' }, ts: { fleetstorm: 'sent-at' }, seq: { fleetstorm: 'seq' } },
              },
            },
          },
        },
      ],
      'power-on': { spread: '10s' },
      live: { speed: 60, processes: 2 },
    };
    const s = await resolveScenarioObject(doc, 'templates-processes (in memory)', { env: {} });
    process.env.FLEETSTORM_SELFTEST_SLOW_START = '1:1000'; // the children inherit it
    const { report } = await runResolved(s, { noFiles: true });
    const c = (n: string): number => report.metrics.counters[n] ?? 0;
    expect(report.status).toBe('completed');
    const sent = c('mqtt_publish_total');
    expect(sent).toBeGreaterThanOrEqual(40 * 4);
    expect(c('mqtt_publish_acked_total')).toBe(sent);
    expect(c('mqtt_delivered_total')).toBe(sent);
    expect(c('mqtt_delivery_gaps_total')).toBe(0);
    expect(c('mqtt_delivery_duplicates_total')).toBe(0);
  }, 60_000);
});
