// Live mode: a backend outage of the embedded backend against duty-cycled devices. Those online
// when it begins are tracked, a wake into it fails and is counted, and each one's next session
// after it measures its recovery (outage_resume_duration_us), as in virtual mode.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { liveScenario } from './live-helpers.js';

describe('live outage against a sleeping fleet', () => {
  it('tracks the sleepers and measures their next session', async () => {
    const s = await liveScenario({
      dutyCycle: true,
      devices: 40,
      duration: '8m',
      faults: [{ type: 'backend-outage', at: '3m', duration: '2m' }],
    });
    const { report } = await runResolved(s, { noFiles: true });
    const c = (n: string): number => report.metrics.counters[n] ?? 0;
    expect(c('outage_sleeping_devices_total')).toBeGreaterThan(30);
    expect(c('outage_wake_failed_total')).toBeGreaterThan(0); // they wake every minute
    expect(report.metrics.histograms.outage_resume_duration_us?.count ?? 0).toBeGreaterThan(30);
    expect(report.faults.find((f) => f.type === 'backend-outage')?.devicesHit).toBeGreaterThan(30);
  }, 60_000);
});
