// A backend outage against a duty-cycled fleet: devices asleep when it began are tracked, those
// that wake into it and fail are counted, and their next successful session after it measures
// recovery (outage_resume_duration_us, fleet_resume_duration_us).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { renderSummary } from '../../src/reports/summary-text.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

describe('outage recovery of a duty-cycled fleet', () => {
  it('tracks sleeping devices, counts failed wakes and measures their next session', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'sleepers-outage',
        duration: '2h',
        fleet: [{ device: 'tracker', count: 400 }],
        'power-on': { spread: '5m' },
        faults: [{ type: 'backend-outage', at: '1h', duration: '10m' }],
        thresholds: [
          'fleet_resume_duration_us < 30m',
          'fleet_recovery_duration_us < 30m',
          'outage_not_resumed_total == 0',
        ],
      },
      'sleepers-outage',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    const c = (n: string): number => report.metrics.counters[n] ?? 0;
    expect(c('outage_sleeping_devices_total')).toBeGreaterThan(350);
    expect(c('outage_wake_failed_total')).toBeGreaterThan(100); // trackers wake every 5 minutes
    expect(report.metrics.histograms.outage_resume_duration_us?.count).toBeGreaterThan(350);
    expect(report.faults[0]?.devicesHit).toBe(
      c('outage_sleeping_devices_total') + c('outage_tracked_devices_total'),
    );
    expect(report.metrics.derived.fleet_resume_duration_us).toBeGreaterThan(0);
    const [resume, recovery, notResumed] = report.thresholds;
    expect(resume?.ok).toBe(true);
    expect(notResumed?.ok).toBe(true);
    // the persistent-device metric has no data, and says where to look instead
    expect(recovery?.message).toContain('duty-cycled devices were online: see fleet_resume_duration_us');
    expect(renderSummary(report)).not.toMatch(/\s0 devices/);
  });
});
