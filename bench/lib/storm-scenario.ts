// The reconnect storm of scenarios/reconnect-storm.yaml (its smart meters, their full-jitter
// backoff, its backend outage), compressed to a few real minutes so it runs live at speed 1:
// at speed 1 virtual time is real time, so live latencies (real µs) and the virtual run's
// modelled ones (virtual µs) are the same unit, and the broker's real rates need no scaling.
// The radio is loopback's (the live run's devices sit on this machine), in both modes.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface StormShape {
  devices: number;
  /** Power-on spread, outage start and length, run length (seconds). */
  spreadS: number;
  outageAtS: number;
  outageS: number;
  durationS: number;
  /** Full-jitter backoff bounds (seconds). */
  backoffBaseS: number;
  backoffMaxS: number;
  telemetryS: number;
}

export const STORM_DEFAULTS: Omit<StormShape, 'devices'> = {
  spreadS: 90,
  outageAtS: 110,
  outageS: 20,
  durationS: 220,
  backoffBaseS: 1,
  backoffMaxS: 60,
  telemetryS: 60,
};

interface StormFile {
  fleet: { device: Record<string, unknown> }[];
  faults: Record<string, unknown>[];
}

const STORM_FILE = new URL('../../scenarios/reconnect-storm.yaml', import.meta.url);

/** The storm scenario without mode, targets or backend (the caller adds them). */
export function stormScenario(shape: StormShape): Record<string, unknown> {
  const file = parse(readFileSync(STORM_FILE, 'utf8')) as StormFile;
  const meter = file.fleet[0]?.device ?? {};
  const outage = file.faults.find((f) => f.type === 'backend-outage') ?? { type: 'backend-outage' };
  const connectivity = meter.connectivity as Record<string, unknown>;
  const backoff = connectivity.backoff as Record<string, unknown>;
  return {
    name: 'calibration-storm',
    description: `reconnect-storm.yaml compressed: ${shape.devices} meters, ${shape.outageS}s outage`,
    seed: 7,
    duration: `${shape.durationS}s`,
    interval: '1s',
    fleet: [
      {
        count: shape.devices,
        device: {
          ...meter,
          radio: { profile: 'ethernet', latency: '0ms..0ms', loss: '0%' },
          telemetry: { interval: `${shape.telemetryS}s`, jitter: '5s', payload: '100B..300B', qos: 1 },
          connectivity: {
            ...connectivity,
            keepalive: '60s',
            backoff: { ...backoff, base: `${shape.backoffBaseS}s`, max: `${shape.backoffMaxS}s` },
          },
        },
      },
    ],
    'power-on': { spread: `${shape.spreadS}s` },
    faults: [{ ...outage, at: `${shape.outageAtS}s`, duration: `${shape.outageS}s` }],
  };
}
