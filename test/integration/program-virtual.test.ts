// Device programs in virtual mode: the user's module runs on the shard's virtual clock, through
// the built-in device's metrics, faults and OTA agent, in the worker threads.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'programs');

interface Opts {
  program: string;
  devices?: number;
  workers?: number;
  duration?: string;
  device?: Record<string, unknown>;
  doc?: Record<string, unknown>;
}

async function run(o: Opts): Promise<Report> {
  const doc = {
    name: 'program-virtual',
    seed: 11,
    workers: o.workers ?? 1,
    duration: o.duration ?? '2h',
    'power-on': { spread: '0s' },
    fleet: [
      {
        device: { name: 'thermo', extends: 'gateway', program: `./${o.program}`, ...o.device },
        count: o.devices ?? 200,
      },
    ],
    ...o.doc,
  };
  const s = await resolveScenarioObject(doc, 'program-virtual (in memory)', { env: {}, baseDir: FIXTURES });
  const { report } = await runResolved(s, { noFiles: true });
  return report;
}

const c = (r: Report, n: string): number => r.metrics.counters[n] ?? 0;

describe('device programs, virtual mode', () => {
  it('publishes at its own setInterval cadence instead of the built-in telemetry', async () => {
    const r = await run({ program: 'thermostat.ts' });
    expect(r.statusReason).toBeNull();
    // booted at 0: batches at 15, 30, ..., 105 min (120 min is the run's end): 7 per device
    expect(c(r, 'mqtt_publish_total')).toBe(200 * 7);
    expect(c(r, 'mqtt_publish_acked_total')).toBe(200 * 7);
    // 120 readings and 7 batches per device, plus its boot (and the state factory)
    expect(c(r, 'program_callbacks_total')).toBe(200 * (119 + 7 + 2));
    expect(c(r, 'program_flash_writes_total')).toBe(200);
    expect(c(r, 'program_errors_total')).toBe(0);
  });
});
