// Live mode: a device whose battery is under the install gate downloads the image from the
// embedded backend once and retries the install from it; no retry fetches it again.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

describe('live battery gate', () => {
  it('downloads the image once per device however often the gate refuses the install', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'live-battery-gate',
        seed: 5,
        mode: 'live',
        duration: '10m',
        fleet: [
          {
            device: {
              name: 'low-gateway',
              extends: 'gateway',
              radio: { profile: 'ethernet' },
              battery: { capacity: '1000mAh', initial: '20%..30%' },
              ota: {
                'min-battery': '60%',
                'max-attempts': 4,
                discovery: 'push',
                'retry-backoff': { base: '20s', max: '40s' },
              },
            },
            count: 10,
          },
        ],
        'power-on': { spread: '10s' },
        live: { speed: 60 },
        rollout: { firmware: { version: '9.0.0', size: '64KiB' }, start: '1m', waves: ['100%'] },
      },
      'live-battery-gate',
      { env: {} },
    );
    const { report } = await runResolved(s, { noFiles: true });
    const c = (n: string): number => report.metrics.counters[n] ?? 0;
    expect(c('ota_offered_total')).toBe(10);
    expect(c('ota_failed_total{reason="battery"}')).toBeGreaterThan(10);
    expect(c('ota_download_started_total')).toBe(10);
    expect(c('ota_downloaded_bytes_total')).toBe(10 * 64 * 1024);
  }, 60_000);
});
