// The shipped device program (scenarios/devices/thermostat.ts): its unit tests on one simulated
// device (fleetstorm/testing, as a user writes them), and its scenario at reduced scale in both
// modes: virtual, and live against the embedded backend over real sockets.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import type { Report } from '../../src/reports/report-types.js';
import { loadScenario } from '../../src/scenario/index.js';
import { simulateDevice } from '../../src/testing/index.js';
import thermostat, { type Batch } from '../../scenarios/devices/thermostat.js';

const MIN_MS = 60_000;
/** Date.now() in a program at virtual time 0. */
const EPOCH_MS = Date.UTC(2026, 0, 1);

describe('the thermostat program on one simulated device', () => {
  it('publishes one batch of 15 readings every 15 minutes', async () => {
    const sim = await simulateDevice(thermostat, { hours: 6, seed: 3 });
    const batches = sim.published.map((p) => p.json() as Batch);
    expect(sim.published.every((p) => p.topic === `devices/${sim.id}/telemetry` && p.sent)).toBe(true);
    // every 15 minutes of 6 hours, but for the one due as the run ends
    expect(batches).toHaveLength(6 * 4 - 1);
    for (const [i, b] of batches.entries()) {
      expect(sim.published[i]!.atMs).toBe((i + 1) * 15 * MIN_MS); // timers run in virtual time
      expect(b.at).toBe(EPOCH_MS + (i + 1) * 15 * MIN_MS); // and so does Date.now()
      expect(b.min).toBeLessThanOrEqual(b.avg);
      expect(b.avg).toBeLessThanOrEqual(b.max);
      expect(b.setpoint).toBe(21);
    }
    expect(sim.errors).toEqual([]);
    // readings, batches, and state + boot + connected
    expect(sim.counters.program_callbacks_total).toBe(6 * 60 - 1 + (6 * 4 - 1) + 3);
  });

  it('keeps its batches through a backend outage and sends them on reconnect', async () => {
    const sim = await simulateDevice(thermostat, {
      hours: 3,
      faults: [{ type: 'backend-outage', at: '50m', duration: '40m' }],
    });
    // the batches due at 60, 75 and 90 minutes go out together once the session is back
    const late = sim.published.filter((p) => (p.json() as Batch).at - EPOCH_MS !== p.atMs);
    expect(late.map((p) => (p.json() as Batch).at - EPOCH_MS)).toEqual([60, 75, 90].map((m) => m * MIN_MS));
    expect(new Set(late.map((p) => p.atMs)).size).toBe(1);
    expect(late[0]!.atMs).toBeGreaterThan(90 * MIN_MS);
    expect(sim.hookCalls('connected').map((h) => h.atMs)).toEqual([expect.any(Number), late[0]!.atMs]);
    expect(sim.published).toHaveLength(3 * 4 - 1);
    expect(sim.published.every((p) => p.sent)).toBe(true);
    expect(sim.counters.program_publishes_dropped_total).toBe(0);
  });

  it('keeps a new setpoint in flash across a power loss and refuses one out of range', async () => {
    const sim = await simulateDevice(thermostat, {
      hours: 3,
      commands: [
        { at: '30m', name: 'set-setpoint', args: { value: 23 } },
        { at: '40m', name: 'set-setpoint', args: { value: 99 } },
      ],
      faults: [{ type: 'power-loss', at: '1h', duration: '1m' }],
    });
    expect(sim.hookCalls('command').map((c) => c.returned)).toEqual([undefined, false]);
    expect(sim.logs.map((l) => l.level)).toEqual(['info', 'warn']);
    expect(sim.hookCalls('boot')).toHaveLength(2);
    expect(sim.flash).toEqual({ setpointC: 23 });
    expect(sim.flashWrites).toBe(1);
    expect(sim.state.setpointC).toBe(23); // read back from flash at the second boot
    const after = sim.published.filter((p) => p.atMs > 2 * 60 * MIN_MS).map((p) => p.json() as Batch);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((b) => b.setpoint === 23)).toBe(true);
  });
});

const c = (r: Report, name: string): number => r.metrics.counters[name] ?? 0;

describe('scenarios/programmed-thermostat.yaml', () => {
  it('virtual: 1,000 thermostats through the outage, the power loss and the commands pass', async () => {
    const s = await loadScenario('scenarios/programmed-thermostat.yaml', {
      env: {},
      overrides: { devices: 1000 },
    });
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.thresholds.filter((t) => !t.ok).map((t) => t.message)).toEqual([]);
    expect(report.verdict).toBe('passed');
    // a batch every 15 minutes for 24 h, none dropped: the outage's batches came late, not never
    expect(c(report, 'mqtt_publish_total')).toBeGreaterThan(1000 * 94);
    expect(c(report, 'mqtt_publish_total')).toBeLessThanOrEqual(1000 * 96);
    expect(c(report, 'mqtt_disconnects_total{reason="outage"}')).toBe(1000);
    expect(c(report, 'program_flash_writes_total')).toBeGreaterThan(150); // ~20% moved the setpoint
  }, 240_000);

  it('live: the same program over real sockets against the embedded backend passes', async () => {
    const s = await loadScenario('scenarios/programmed-thermostat.yaml', {
      env: {},
      overrides: { mode: 'live', devices: 20, duration: '30m' },
    });
    const { report } = await runResolved(s, { noFiles: true });
    expect(report.status).toBe('completed');
    expect(report.thresholds.filter((t) => !t.ok).map((t) => t.message)).toEqual([]);
    expect(c(report, 'mqtt_publish_total')).toBeGreaterThanOrEqual(20); // a batch at 15 min per device
    expect(c(report, 'program_callbacks_total')).toBeGreaterThan(20 * 25);
    expect(c(report, 'command_replied_total{result="ok"}')).toBe(4); // 20% of 20
    expect(c(report, 'program_flash_writes_total')).toBe(4);
  }, 240_000);
});
