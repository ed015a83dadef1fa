// Virtual mode models the broker's wills: one per session a device with `connectivity.will`
// ended without DISCONNECT (power loss, radio drop), none for clean duty-cycle disconnects or
// for devices without a will.
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

const WILL = { will: { topic: 'devices/{id}/status', payload: 'offline' } };

async function run(device: Record<string, unknown>) {
  const doc = {
    name: 'virtual-wills',
    seed: 11,
    workers: 1,
    duration: '2h',
    fleet: [{ device: { name: 'dev', ...device }, count: 500 }],
    faults: [
      { type: 'power-loss', who: '20%', at: '30m', duration: '5m' },
      { type: 'radio-drop', who: '30%', at: '1h', duration: '5m' },
    ],
  };
  const s = await resolveScenarioObject(doc, 'virtual-wills (in memory)', { env: {} });
  const { report } = await runResolved(s, { noFiles: true });
  return (name: string): number => report.metrics.counters[name] ?? 0;
}

describe('virtual mode: modelled wills', () => {
  it('counts one will per abrupt disconnect of a device with a will', async () => {
    const c = await run({ extends: 'gateway', connectivity: WILL });
    const abrupt =
      c('mqtt_disconnects_total{reason="power"}') +
      c('mqtt_disconnects_total{reason="radio"}') +
      c('mqtt_disconnects_total{reason="keepalive"}');
    expect(c('mqtt_disconnects_total{reason="power"}')).toBeGreaterThan(0);
    expect(c('mqtt_wills_received_total')).toBe(abrupt);
  });

  it('counts none without a will, and none for clean duty-cycle disconnects', async () => {
    expect((await run({ extends: 'gateway' }))('mqtt_wills_received_total')).toBe(0);
    const cycled = await run({ extends: 'sensor', connectivity: WILL, telemetry: { interval: '10m' } });
    expect(cycled('mqtt_disconnects_total{reason="duty_cycle"}')).toBeGreaterThan(0);
    const abrupt =
      cycled('mqtt_disconnects_total{reason="power"}') +
      cycled('mqtt_disconnects_total{reason="radio"}') +
      cycled('mqtt_disconnects_total{reason="keepalive"}');
    expect(cycled('mqtt_wills_received_total')).toBe(abrupt);
  });
});
