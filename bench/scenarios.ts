// Scenarios for bench/virtual-scale, built in code so the benchmark does not depend on the
// shipped YAML files drifting. Persistent connections, telemetry every 15 minutes.
import { resolveScenarioObject } from '../src/scenario/index.js';
import type { ResolvedScenario } from '../src/scenario/types.js';

const device = {
  description: 'bench sensor',
  firmware: '1.0.0',
  radio: { profile: 'lte-m', bandwidth: '200kbit/s', latency: '50ms..150ms', loss: '0.1%' },
  battery: {
    capacity: '2600mAh',
    initial: '60%..100%',
    drain: { sleep: '5uA', connected: '1mA', download: '80mA', install: '25mA' },
    publish: '0.01mAh',
  },
  connectivity: {
    mode: 'persistent',
    keepalive: '5m',
    'connect-timeout': '30s',
    backoff: { policy: 'full', base: '2s', max: '5m', multiplier: 2 },
  },
  telemetry: { interval: '15m', jitter: '30s', payload: '64B..256B', qos: 1 },
  ota: { slots: 'ab', resume: true, discovery: 'poll', 'check-interval': '6h', 'min-battery': '20%' },
};

export async function benchScenario(opts: {
  devices: number;
  duration: string;
  rollout: boolean;
  workers: number;
}): Promise<ResolvedScenario> {
  const doc: Record<string, unknown> = {
    name: `bench-${opts.devices}`,
    seed: 1,
    duration: opts.duration,
    workers: opts.workers,
    fleet: [
      { device: { ...device, name: 'bench-ab' }, count: Math.round(opts.devices * 0.8) },
      {
        device: { ...device, name: 'bench-single', ota: { ...device.ota, slots: 'single', resume: false } },
        count: Math.round(opts.devices * 0.2),
      },
    ],
    'power-on': { spread: '10m' },
    backend: {
      connect: { rate: '20000/s', burst: 5000 },
      ingest: { rate: '200000/s' },
      ota: { bandwidth: '10GiB/s', 'max-concurrent-downloads': 200000 },
    },
    faults: [{ type: 'backend-outage', at: '12h', duration: '15m' }],
  };
  if (opts.rollout) {
    doc.rollout = {
      firmware: { version: '2.0.0', size: '4MiB' },
      start: '1h',
      waves: ['1%', '10%', '50%', '100%'],
      'wave-interval': '2h',
    };
    (doc.faults as unknown[]).push(
      { type: 'radio-drop', who: '5%', during: 'ota.downloading', duration: '30s..10m' },
      { type: 'power-loss', who: '1%', during: 'ota.installing', duration: '10s..1m' },
      { type: 'corrupt-image', who: '1%', during: 'ota.downloading' },
      { type: 'battery-flat', who: '0.5%', at: '6h' },
      {
        type: 'radio-degrade',
        who: '10%',
        at: '3h',
        duration: '1h',
        params: { latency: '300ms', loss: '2%' },
      },
      { type: 'clock-skew', who: '1%', at: '8h', duration: '30m', params: { skew: '10m' } },
      { type: 'backend-slow', at: '16h', duration: '30m', params: { 'slow-factor': 4 } },
      { type: 'half-open', who: '2%', at: '18h' },
      { type: 'broker-reject', at: '20h', duration: '5m' },
      { type: 'radio-drop', who: '1%', at: '22h', duration: '1m..5m' },
    );
  }
  return resolveScenarioObject(doc, `bench-${opts.devices}`, { env: {} });
}
