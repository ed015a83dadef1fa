// Same scenario + seed ⇒ byte-identical report body (the `run` section aside), across repeated
// runs and across worker counts, with a rollout and every fault type active.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { deterministicJson } from '../../src/reports/json.js';
import { loadScenario } from '../../src/scenario/index.js';

async function hashOf(
  path: string,
  workers: number,
  devices?: number,
): Promise<{ hash: string; body: string }> {
  const s = await loadScenario(path, { env: {}, overrides: { workers, ...(devices ? { devices } : {}) } });
  const { report } = await runResolved(s, { noFiles: true });
  // the body as written, nothing neutralised: README promises it byte-identical for any --workers
  const body = deterministicJson(report);
  return { hash: createHash('sha256').update(body).digest('hex'), body };
}

describe('determinism', () => {
  it('all faults + rollout: identical with 1 and 2 workers and across runs', async () => {
    const a = await hashOf('test/fixtures/e2e/all-faults.yaml', 1);
    const b = await hashOf('test/fixtures/e2e/all-faults.yaml', 2);
    const c = await hashOf('test/fixtures/e2e/all-faults.yaml', 2);
    expect(b.body).toBe(a.body);
    expect(c.hash).toBe(a.hash);
    const r = JSON.parse(a.body);
    // the faults really ran
    for (const t of [
      'radio-drop',
      'power-loss',
      'battery-flat',
      'corrupt-image',
      'radio-degrade',
      'clock-skew',
      'backend-outage',
      'half-open',
    ]) {
      expect(r.metrics.counters[`faults_injected_total{type="${t}"}`], t).toBeGreaterThan(0);
    }
    expect(r.metrics.counters.ota_succeeded_total).toBeGreaterThan(0);
  });

  it('quickstart: identical with 1 and 2 workers', async () => {
    const a = await hashOf('scenarios/quickstart.yaml', 1, 5000);
    const b = await hashOf('scenarios/quickstart.yaml', 2, 5000);
    expect(b.hash).toBe(a.hash);
  });

  it('offline buffers and aligned schedules with drifting clocks: identical with 1 and 3 workers', async () => {
    for (const [path, devices] of [
      ['scenarios/offline-buffer-flush.yaml', 6000],
      ['scenarios/top-of-hour.yaml', 6000],
    ] as const) {
      const a = await hashOf(path, 1, devices);
      const b = await hashOf(path, 3, devices);
      expect(b.body, path).toBe(a.body);
      const r = JSON.parse(a.body);
      expect(r.metrics.counters.mqtt_publish_total, path).toBeGreaterThan(devices);
    }
    const r = JSON.parse((await hashOf('scenarios/offline-buffer-flush.yaml', 2, 6000)).body);
    expect(r.metrics.counters.telemetry_flushed_total).toBeGreaterThan(6000 * 25);
  });

  it('fleet-commands (operations, fan-out, replies, outcomes): identical with 1 and 3 workers', async () => {
    const a = await hashOf('scenarios/fleet-commands.yaml', 1, 6000);
    const b = await hashOf('scenarios/fleet-commands.yaml', 3, 6000);
    expect(b.body).toBe(a.body);
    const r = JSON.parse(a.body);
    expect(r.metrics.counters.command_sent_total).toBeGreaterThan(1000);
    expect(r.metrics.counters['command_replied_total{result="error"}']).toBeGreaterThan(0);
    expect(r.outcomes.total).toBeGreaterThan(0);
  });

  it('a different seed gives a different report', async () => {
    const s1 = await loadScenario('test/fixtures/e2e/small.yaml', { env: {}, overrides: { seed: 1 } });
    const s2 = await loadScenario('test/fixtures/e2e/small.yaml', { env: {}, overrides: { seed: 2 } });
    const r1 = await runResolved(s1, { noFiles: true });
    const r2 = await runResolved(s2, { noFiles: true });
    expect(deterministicJson(r1.report)).not.toBe(deterministicJson(r2.report));
  });
});
