// Small in-memory live scenarios for the live-mode integration tests: gateways (always
// connected, QoS 1, no radio loss) and a duty-cycled sensor variant, at 60x speed.
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import type { CliOverrides, ResolvedScenario } from '../../../src/scenario/index.js';

export interface LiveDoc {
  devices?: number;
  duration?: string;
  faults?: Record<string, unknown>[];
  maxConcurrent?: number;
  dutyCycle?: boolean;
  speed?: number;
  rollout?: Record<string, unknown>;
}

const SENSOR = {
  name: 'test-sensor',
  extends: 'sensor',
  radio: { profile: 'ethernet' },
  connectivity: { 'connect-timeout': '2m' },
  telemetry: { interval: '1m', jitter: '5s' },
};

export function liveScenario(o: LiveDoc, overrides: CliOverrides = {}): Promise<ResolvedScenario> {
  const doc = {
    name: 'live-test',
    seed: 3,
    mode: 'live',
    duration: o.duration ?? '6m',
    fleet: [{ device: o.dutyCycle ? SENSOR : 'gateway', count: o.devices ?? 20 }],
    'power-on': { spread: '30s' },
    live: { speed: o.speed ?? 60, 'max-concurrent-connections': o.maxConcurrent ?? 1000 },
    faults: o.faults ?? [],
    ...(o.rollout ? { rollout: o.rollout } : {}),
  };
  return resolveScenarioObject(doc, 'live-test (in memory)', { env: {}, overrides });
}
