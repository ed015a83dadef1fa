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

describe('device programs under the built-in faults and OTA agent', () => {
  it('a radio drop drops the session and calls `disconnected` with its reason', async () => {
    const r = await run({
      program: 'hooks.ts',
      doc: { faults: [{ type: 'radio-drop', who: '50%', at: '30m', duration: '1m' }] },
    });
    const drops = c(r, 'mqtt_disconnects_total{reason="radio"}');
    expect(drops).toBeGreaterThan(50);
    expect(c(r, 'program_log_errors_total')).toBe(drops);
    expect(c(r, 'program_errors_total')).toBe(0);
    const sample = r.outcomes.sample.find((o) => o.outcome === 'program-log');
    expect(sample?.stack).toBe('link lost: radio-drop');
  });

  it('a power loss runs `powerLoss`, loses `state` and keeps `flash` with its write counts', async () => {
    const r = await run({
      program: 'hooks.ts',
      doc: { faults: [{ type: 'power-loss', who: '50%', at: '30m', duration: '10s' }] },
    });
    const lost = c(r, 'mqtt_disconnects_total{reason="power"}');
    expect(lost).toBeGreaterThan(50);
    expect(c(r, 'program_log_errors_total')).toBe(lost); // one powerLoss hook per cut
    // each rebooted device read its boot count back from flash (2) and tried to say so offline
    expect(c(r, 'program_publishes_dropped_total')).toBe(lost);
    expect(c(r, 'program_flash_writes_total')).toBe(200 + lost);
    expect(c(r, 'program_errors_total')).toBe(0); // RAM was fresh and flash intact at every boot
    // the hook runs at the fault's virtual time, not at the device's last wake
    const logs = r.outcomes.sample.filter((o) => o.outcome === 'program-log');
    expect(logs.length).toBeGreaterThan(0);
    for (const o of logs) expect(o.stack).toBe('power lost at 30m after 1 boot(s)');
  });

  it('`otaOffered` returning false declines; `afterCommit` runs on the new firmware', async () => {
    const r = await run({
      program: 'hooks.ts',
      duration: '3h',
      doc: { rollout: { firmware: { version: '2.0.0', size: '64KiB' }, start: '10m', waves: ['100%'] } },
    });
    expect(c(r, 'ota_offered_total')).toBe(100); // the even half accepted
    const committed = c(r, 'ota_succeeded_total');
    expect(committed).toBeGreaterThan(90);
    expect(c(r, 'program_log_errors_total')).toBe(committed);
    expect(c(r, 'program_errors_total')).toBe(0);
  });
});

describe('device program failures never stop the run', () => {
  it('an exception is counted per callback with the first stacks kept; the device goes on', async () => {
    const r = await run({ program: 'throws.ts' });
    expect(r.status).toBe('completed');
    // ticks at 1..119 min: the even ones throw, the odd ones publish
    expect(c(r, 'program_errors_total')).toBe(200 * 59);
    expect(c(r, 'mqtt_publish_total')).toBe(200 * 60);
    const kept = r.outcomes.sample.filter((o) => o.outcome === 'program-error');
    expect(kept.length).toBe(5); // the first few per shard
    expect(kept[0]?.operation).toBe('interval');
    expect(kept[0]?.stack).toContain('sensor bus fault at tick 2');
    expect(kept[0]?.stack).toContain('throws.ts'); // the user's file, not the bundle
  });

  it('a runaway loop is stopped by the budget, reported, and only that program is switched off', async () => {
    const r = await run({ program: 'runaway.ts', device: { 'program-budget': '20ms' } });
    expect(r.status).toBe('completed');
    expect(c(r, 'program_runaways_total')).toBe(1);
    expect(c(r, 'mqtt_publish_total')).toBe(199 * 119); // every other device, every minute
    const o = r.outcomes.sample.find((x) => x.outcome === 'program-runaway');
    expect(o?.device).toBe(0);
    expect(o?.stack).toContain('RunawayError');
    expect(r.metrics.counters['mqtt_connect_success_total']).toBe(200); // its built-in device lives on
  });
});

describe('device programs are deterministic', () => {
  it('the same seed gives the same metrics with 1 and 2 workers', async () => {
    const o = {
      program: 'hooks.ts',
      devices: 5000,
      duration: '1h',
      doc: { faults: [{ type: 'radio-drop', who: '10%', at: '20m', duration: '1m..5m' }] },
    };
    const one = await run({ ...o, workers: 1 });
    const two = await run({ ...o, workers: 2 });
    expect(c(one, 'program_callbacks_total')).toBeGreaterThan(5000 * 6);
    expect(two.metrics.counters).toEqual(one.metrics.counters);
    expect(two.metrics.histograms).toEqual(one.metrics.histograms);
    expect(two.outcomes.sample).toEqual(one.outcomes.sample);
  });
});
