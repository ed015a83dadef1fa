// `when` faults: a metric condition, checked on the merged metrics at each barrier, starts the
// fault at the first barrier where it holds (then `every` repeats it). Checked against the real
// engine and workers: the start is that barrier, the choice does not depend on the worker
// count, and a condition that never holds injects nothing.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

const MIN = 60e6;

async function run(faults: Record<string, unknown>[], workers = 2): Promise<Report> {
  const s = await resolveScenarioObject(
    {
      name: 'when-test',
      seed: 11,
      duration: '3h',
      interval: '5m',
      fleet: [{ device: 'gateway', count: 3000 }],
      'power-on': { spread: '1h' },
      faults,
      workers,
    },
    'when-test (in memory)',
    { env: {} },
  );
  return (await runResolved(s, { noFiles: true })).report;
}

/** Cumulative value of a counter at the end of each interval. */
function cumulative(r: Report, name: string): number[] {
  let sum = 0;
  return (r.series.counters[name] ?? []).map((v) => (sum += v));
}

describe('faults started by a metric condition (`when`)', () => {
  it('starts at the first barrier where the condition holds, and repeats with `every`', async () => {
    const fault = {
      type: 'backend-outage',
      when: 'mqtt_connect_success_total >= 1500',
      every: '1h',
      duration: '2m',
    };
    const r = await run([fault]);
    const entries = r.faults.filter((e) => e.faultId === 'f0');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const first = entries[0]!.atUs;
    expect(first % (5 * MIN)).toBe(0);
    expect(entries.map((e) => e.atUs - first)).toEqual(entries.map((_, n) => n * 60 * MIN));
    // the condition: false at the barrier before, true at this one (series index = barrier − 1)
    const connects = cumulative(r, 'mqtt_connect_success_total');
    const k = r.series.timesUs.indexOf(first);
    expect(connects[k]).toBeGreaterThanOrEqual(1500);
    expect(connects[k - 1]).toBeLessThan(1500);
    expect(r.metrics.counters['faults_injected_total{type="backend-outage"}']).toBe(entries.length);
    expect(r.metrics.counters['mqtt_disconnects_total{reason="outage"}']).toBeGreaterThan(1500);
  });

  it('is decided on merged metrics: the same with 1 and 2 workers', async () => {
    const faults = [{ type: 'radio-drop', when: 'fleet_online_ratio >= 50%', who: '20%' }];
    const [one, two] = [await run(faults, 1), await run(faults, 2)];
    expect(one.faults).toEqual(two.faults);
    expect(one.metrics.counters).toEqual(two.metrics.counters);
    expect(one.faults[0]?.devicesHit).toBeGreaterThan(0);
  });

  it('never starts when the condition never holds', async () => {
    const r = await run([{ type: 'backend-outage', when: 'mqtt_connect_success_total > 1000000' }]);
    expect(r.faults).toEqual([]);
    expect(r.metrics.counters['faults_injected_total{type="backend-outage"}'] ?? 0).toBe(0);
    expect(r.metrics.counters['mqtt_disconnects_total{reason="outage"}'] ?? 0).toBe(0);
  });
});
