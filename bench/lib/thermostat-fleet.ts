// The thermostat fleet of bench/programs, built in code: always-connected LTE-M devices that
// publish a batch every 15 minutes and answer commands, a set-setpoint command to 10% of the
// fleet at 12 h. The built-in case describes the telemetry in YAML terms (a 15-minute stream of
// the batch's size); the programmed case gives the same device type a program instead.
import { resolveScenarioObject } from '../../src/scenario/index.js';
import type { ResolvedScenario } from '../../src/scenario/types.js';

export interface ThermostatFleetOptions {
  devices: number;
  hours: number;
  workers: number;
  /** Path of a device program; absent: the built-in state machine. */
  program?: string;
}

function deviceType(program: string | undefined): Record<string, unknown> {
  const base: Record<string, unknown> = {
    name: 'thermostat',
    description: 'bench thermostat',
    firmware: '1.0.0',
    radio: { profile: 'lte-m', bandwidth: '200kbit/s', latency: '50ms..150ms', loss: '0.1%' },
    battery: { capacity: 'mains' },
    connectivity: {
      mode: 'persistent',
      keepalive: '5m',
      'connect-timeout': '30s',
      backoff: { policy: 'full', base: '2s', max: '5m', multiplier: 2 },
    },
    // the program's batch: {at, avg, min, max, heating, setpoint} is about 100 bytes of JSON
    telemetry: {
      interval: '15m',
      jitter: '0s',
      payload: '90B..110B',
      qos: 1,
      topic: 'devices/{id}/telemetry',
    },
    commands: {
      topic: 'devices/{id}/cmd',
      'reply-topic': 'devices/{id}/cmd/reply',
      qos: 1,
      actions: { 'set-setpoint': 'none' },
    },
  };
  if (program !== undefined) base.program = program;
  return base;
}

export async function thermostatFleet(o: ThermostatFleetOptions): Promise<ResolvedScenario> {
  const doc: Record<string, unknown> = {
    name: `bench-thermostat-${o.program === undefined ? 'builtin' : 'program'}-${o.devices}`,
    seed: 1,
    duration: `${o.hours}h`,
    workers: o.workers,
    fleet: [{ device: deviceType(o.program), count: o.devices }],
    'power-on': { spread: '10m' },
    backend: {
      connect: { rate: '20000/s', burst: 5000 },
      ingest: { rate: '200000/s' },
      fanout: { rate: '20000/s', latency: '1ms..5ms' },
    },
    operations:
      o.hours > 12
        ? [
            {
              at: '12h',
              name: 'setpoint',
              command: { name: 'set-setpoint', args: { value: 22.5 } },
              who: '10%',
              rate: '5000/s',
            },
          ]
        : [],
  };
  return resolveScenarioObject(doc, doc.name as string, { env: {} });
}
