// The device program `fleetstorm init --program` writes, and its unit test: typed against the
// public API (`fleetstorm/program`), tested with `fleetstorm/testing` on one simulated device in
// virtual time, so `npx vitest run` passes on the files as written and fails once they disagree.

/** `my-sensor` → `mySensor`: a name usable as a TypeScript identifier. */
export function identifierOf(name: string): string {
  const camel = name.replace(/[-._]+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
  const id = camel.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

export function programTs(name: string): string {
  return `// Device program \`${name}\`: your device's own logic, run by fleetstorm for every device of the
// type whose \`program:\` names this file. Timers and Date.now() run in virtual time; the
// hardware (sensors, flash, battery, radio) is stubbed. Reference: \`fleetstorm/program\` (TSDoc).
import { defineDevice, type Device } from 'fleetstorm/program';

const READ_EVERY_MS = 30_000;
const REPORT_EVERY_MS = 5 * 60_000;

export interface State {
  readings: number[];
}

function report(dev: Device<State>): void {
  const r = dev.state.readings;
  if (r.length === 0) return;
  const avg = Math.round((r.reduce((a, b) => a + b, 0) / r.length) * 10) / 10;
  dev.state.readings = [];
  dev.publish(\`devices/\${dev.id}/telemetry\`, { at: Date.now(), avg, readings: r.length }, { qos: 1 });
}

export default defineDevice<State>({
  // this program's publishes are the device's telemetry (no built-in streams)
  telemetry: false,
  // stubbed sensors: the same generators as payload templates
  sensors: { temperature: { normal: { mean: 21, stddev: 1.5, decimals: 1 } } },
  // RAM: fresh at every boot; keep what must survive a power loss in dev.flash
  state: () => ({ readings: [] }),

  boot(dev) {
    dev.flash.set('boots', (dev.flash.get<number>('boots') ?? 0) + 1);
    setInterval(() => dev.state.readings.push(dev.sensor('temperature')), READ_EVERY_MS);
    setInterval(() => report(dev), REPORT_EVERY_MS);
  },

  command(dev, name) {
    if (name === 'report-now') report(dev);
  },
});
`;
}

export function programTestTs(name: string): string {
  const id = identifierOf(name);
  return `// Unit test of the \`${name}\` device program: one simulated device on fleetstorm's engine, in
// virtual time (hours take milliseconds). Run it with \`npx vitest run\`.
import { describe, expect, it } from 'vitest';
import { simulateDevice } from 'fleetstorm/testing';
import ${id} from './${name}.js';

describe('${name}', () => {
  it('publishes the average of its readings every 5 minutes', async () => {
    const sim = await simulateDevice(${id}, { hours: 2, seed: 1 });
    const batches = sim.published.filter((p) => p.topic === \`devices/\${sim.id}/telemetry\`);
    // 2 hours of 5-minute batches (the first starts after boot and connect)
    expect(batches.length).toBeGreaterThanOrEqual(22);
    expect(batches.length).toBeLessThanOrEqual(24);
    for (const b of batches) {
      const body = b.json() as { avg: number; readings: number };
      expect(body.readings).toBe(10);
      expect(body.avg).toBeGreaterThan(15);
      expect(body.avg).toBeLessThan(27);
    }
    expect(sim.errors).toEqual([]);
  });

  it('keeps its boot count in flash across a power loss', async () => {
    const sim = await simulateDevice(${id}, {
      hours: 2,
      seed: 1,
      faults: [{ type: 'power-loss', at: '1h', duration: '1m' }],
    });
    expect(sim.hookCalls('boot')).toHaveLength(2);
    expect(sim.flash.boots).toBe(2);
    // RAM was lost: the readings of the batch cut short were not published
    expect(sim.state.readings.length).toBeLessThan(10);
  });

  it('reports at once when the operator asks', async () => {
    const sim = await simulateDevice(${id}, {
      hours: 1,
      seed: 1,
      commands: [{ at: '32m', name: 'report-now' }],
    });
    expect(sim.hookCalls('command').map((c) => c.args[0])).toEqual(['report-now']);
    const atMs = sim.published.map((p) => p.atMs);
    expect(atMs.some((t) => t > 32 * 60_000 && t < 35 * 60_000)).toBe(true);
  });
});
`;
}
