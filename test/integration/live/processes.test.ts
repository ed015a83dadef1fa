// `--processes N` in live mode: the parent starts the embedded backend once, runs one child
// process per shard (bin/fleetstorm.js run-resolved, so `npm run build` must have run) and
// merges their reports. Counts are asserted, never wall-clock speed.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { liveScenario } from './live-helpers.js';

const counter = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

const CRASH_ENV = ['FLEETSTORM_SELFTEST_CRASH_AT_US', 'FLEETSTORM_SELFTEST_CRASH_SHARD'] as const;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const k of CRASH_ENV) delete process.env[k];
  for (const c of cleanups.splice(0)) await c();
});

/** Child scratch directories kept after a failed child (the parent names them in statusReason). */
function keptDir(reason: string | null): string | null {
  return /shard reports kept in (\S+)/.exec(reason ?? '')?.[1] ?? null;
}

describe('live mode over several processes', () => {
  it('merges the shards of 2 processes into the report of the whole fleet', async () => {
    const base = await liveScenario({ devices: 40, duration: '2m', speed: 60 });
    const s = { ...base, live: { ...base.live, processes: 2 } };
    const { report, exitCode } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    expect(exitCode).toBe(0);
    expect(report.devices).toBe(40);
    expect(report.scenario.shard).toBeNull();
    expect(report.scenario.live.processes).toBe(2);
    expect(report.replay).toContain('--processes 2');
    expect(counter(report, 'devices_powered_on_total')).toBe(40);
    expect(counter(report, 'mqtt_connect_success_total')).toBe(40);
    const sent = counter(report, 'mqtt_publish_total');
    expect(sent).toBeGreaterThanOrEqual(40);
    expect(counter(report, 'mqtt_publish_acked_total')).toBe(sent);
    expect(counter(report, 'mqtt_delivered_total')).toBe(sent);
  }, 40_000);

  it('a child that crashes fails the run; what every child measured is still merged', async () => {
    const base = await liveScenario({ devices: 40, duration: '3m', speed: 60 });
    const s = { ...base, live: { ...base.live, processes: 2 } };
    process.env.FLEETSTORM_SELFTEST_CRASH_AT_US = String(120e6); // children inherit the env
    process.env.FLEETSTORM_SELFTEST_CRASH_SHARD = '1';
    const { report, exitCode } = await runResolved(s, { noFiles: true });
    const kept = keptDir(report.statusReason);
    if (kept) cleanups.push(() => rm(kept, { recursive: true, force: true }));
    expect(exitCode).toBe(70);
    expect(report.status).toBe('crashed');
    expect(report.verdict).toBe('incomplete');
    expect(report.statusReason).toMatch(/process 1 \(shard 1\/2\) exited with 70: .*crash requested/);
    expect(report.statusReason).not.toContain('process 0');
    expect(kept !== null && existsSync(kept)).toBe(true);
    expect(readdirSync(kept as string).sort()).toEqual(['proc-0', 'proc-1']);
    // shard 0 ran to the end, shard 1 up to its crash: both are in the totals
    expect(counter(report, 'devices_powered_on_total')).toBe(40);
    expect(counter(report, 'mqtt_connect_success_total')).toBe(40);
  }, 40_000);

  it("writes the children's per-device outcomes as one file in device order", async () => {
    const rollout = { firmware: { version: '2.0.0', size: '64KiB' }, start: '10s', waves: ['100%'] };
    const faults = [{ type: 'power-loss', who: '30%', during: 'ota.installing' }];
    const base = await liveScenario({ devices: 30, duration: '4m', speed: 60, rollout, faults });
    const s = { ...base, live: { ...base.live, processes: 2 } };
    const out = await mkdtemp(join(tmpdir(), 'fleetstorm-procs-out-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const { report } = await runResolved(s, { outDir: out, html: false });
    expect(report.status).toBe('completed');
    expect(report.outcomes.file).toBe('outcomes.ndjson');
    const lines = (await readFile(join(out, 'outcomes.ndjson'), 'utf8')).split('\n').filter(Boolean);
    expect(report.outcomes.total).toBeGreaterThan(0);
    expect(lines).toHaveLength(report.outcomes.total);
    const devices = lines.map((l) => (JSON.parse(l) as { device: number }).device);
    expect(devices).toEqual([...devices].sort((a, b) => a - b));
    expect(new Set(devices.map((d) => d % 2)).size).toBe(2); // ids interleave: both shards contributed
  }, 60_000);
});
