// A report.json written before `when`, `who.states` and `scaledFrom` existed still replays the
// same run: the missing fields read as their neutral values (timed faults stay timed and hit
// devices in any state).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { parseReport } from '../../src/reports/read-report.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

describe('replaying a report from before the newer scenario fields', () => {
  it('runs the same faults as the scenario it was written from', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'old-report',
        seed: 5,
        duration: '2h',
        interval: '10m',
        fleet: [{ device: 'gateway', count: 2000 }],
        'power-on': { spread: '10m' },
        faults: [
          { type: 'radio-drop', at: '30m', who: '10%' },
          { type: 'backend-outage', at: '1h', duration: '5m' },
        ],
      },
      'old-report (in memory)',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    const old = JSON.parse(JSON.stringify(report)) as Record<string, unknown> & {
      scenario: { scaledFrom?: unknown; faults: { when?: unknown; who: { states?: unknown } }[] };
    };
    delete old.scenario.scaledFrom;
    for (const f of old.scenario.faults) {
      delete f.when;
      delete f.who.states;
    }
    const read = parseReport(JSON.stringify(old), 'old/report.json');
    expect(read.scenario.scaledFrom).toBeNull();
    expect(read.scenario.faults.map((f) => [f.when, f.who.states])).toEqual([
      [null, null],
      [null, null],
    ]);
    const again = await runResolved(read.scenario, { noFiles: true });
    expect(again.report.faults).toEqual(report.faults);
    expect(again.report.metrics.counters).toEqual(report.metrics.counters);
  });
});
