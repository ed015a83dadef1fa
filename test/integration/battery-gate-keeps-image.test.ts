// A device whose battery is below the install gate keeps the verified image: each retry checks
// the gate again instead of downloading the whole image once more (the same device code runs in
// live mode, where that second download was real traffic).
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

describe('battery gate', () => {
  it('retries the install from the kept image, downloading it once per device', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'battery-gate',
        duration: '12h',
        fleet: [
          {
            device: {
              name: 'low-sensor',
              extends: 'sensor',
              battery: { initial: '20%..30%' },
              ota: { 'min-battery': '60%', 'max-attempts': 4, discovery: 'push' },
            },
            count: 200,
          },
        ],
        rollout: { firmware: { version: '9.0.0', size: '256KiB' }, start: '10m', waves: ['100%'] },
      },
      'battery-gate',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    const c = (n: string): number => report.metrics.counters[n] ?? 0;
    const offered = c('ota_offered_total');
    expect(offered).toBeGreaterThan(150);
    expect(c('ota_failed_total{reason="battery"}')).toBeGreaterThan(2 * offered); // several gated retries each
    expect(c('ota_download_started_total')).toBe(offered);
    expect(c('ota_downloaded_bytes_total')).toBe(offered * 256 * 1024);
    expect(c('ota_redownloaded_bytes_total')).toBe(0);
  });
});
