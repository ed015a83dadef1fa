// Virtual mode with several telemetry streams: each stream keeps its own schedule, so publishes
// add up to the sum of the streams' rates; a single stream with a template publishes as often
// as one with a size (virtual mode never renders the payload).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

async function publishes(telemetry: Record<string, unknown>): Promise<number> {
  const s = await resolveScenarioObject(
    {
      name: 'streams',
      seed: 5,
      duration: '2h',
      interval: '10m',
      fleet: [{ count: 100, device: { name: 'meter', connectivity: { mode: 'persistent' }, telemetry } }],
    },
    'streams (in memory)',
    { env: {} },
  );
  const r = (await runResolved(s, { noFiles: true })).report;
  return r.metrics.counters.mqtt_publish_total ?? 0;
}

describe('telemetry streams in virtual mode', () => {
  it('publishes each stream at its own interval', async () => {
    const one = await publishes({ interval: '1m' });
    const both = await publishes({
      interval: '1m',
      streams: [{}, { interval: '10m', payload: { json: { v: { uniform: { min: 0, max: 1 } } } } }],
    });
    // 100 devices for ~2 h: ~120 publishes each on the 1-minute stream, ~12 on the 10-minute one.
    expect(one).toBeGreaterThan(100 * 110);
    expect(both - one).toBeGreaterThan(100 * 10);
    expect(both - one).toBeLessThan(100 * 13);
  });

  it('publishes a template stream as often as a sized one', async () => {
    const sized = await publishes({ interval: '5m', payload: '100B' });
    const templated = await publishes({ interval: '5m', payload: { json: { id: { device: 'id' } } } });
    expect(templated).toBe(sized);
  });
});
