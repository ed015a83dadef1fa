// bench/virtual-buffers: offline buffers and aligned schedules cost in the fleet core. The same
// fleet (persistent LTE-M devices, telemetry every 15 min, a 15-minute outage at 12 h) runs in
// one process: without, with `telemetry.buffer`, and with the buffer plus readings aligned at
// :00/:15/:30/:45 on clocks drifting ±50 ppm, in interleaved rounds.
//   npx tsx bench/virtual-buffers.ts [--devices 200000] [--duration 24h] [--workers 2] [--rounds 3]
// Prints one JSON line per run, then each case's fastest wall time and its ratio to the plain one.
import { bestOfRounds } from './lib/best-of-rounds.js';
import { timedVirtualRun } from './lib/timed-virtual.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const devices = Number(arg('devices', '200000'));
const duration = arg('duration', '24h');
const workers = Number(arg('workers', '2'));

const BUFFER = { capacity: 500, 'when-full': 'drop-oldest', 'flush-rate': '1/s' };
const CASES: Record<string, { telemetry: Record<string, unknown>; clock?: Record<string, unknown> }> = {
  plain: { telemetry: { interval: '15m', jitter: '30s' } },
  buffer: { telemetry: { interval: '15m', jitter: '30s', buffer: BUFFER } },
  'buffer+aligned': {
    telemetry: { at: [':00', ':15', ':30', ':45'], jitter: '30s', buffer: BUFFER },
    clock: { drift: '±50ppm', 'since-sync': '7d' },
  },
};

async function runCase(name: string): Promise<{ wallS: number; cpuS: number; events: number }> {
  const c = CASES[name] ?? { telemetry: {} };
  const device = {
    name: 'bench-meter',
    firmware: '1.0.0',
    radio: { profile: 'lte-m', bandwidth: '200kbit/s', latency: '50ms..150ms', loss: '0.1%' },
    connectivity: {
      mode: 'persistent',
      keepalive: '5m',
      'connect-timeout': '30s',
      backoff: { policy: 'full', base: '2s', max: '5m', multiplier: 2 },
    },
    telemetry: { payload: '64B..256B', qos: 1, ...c.telemetry },
    ...(c.clock ? { clock: c.clock } : {}),
  };
  const doc = {
    name: `bench-buffers-${name.replace('+', '-')}`,
    seed: 1,
    duration,
    workers,
    fleet: [{ device, count: devices }],
    'power-on': { spread: '10m' },
    backend: { connect: { rate: '20000/s', burst: 5000 }, ingest: { rate: '200000/s' } },
    faults: [{ type: 'backend-outage', at: '12h', duration: '15m' }],
  };
  const { report, wallS, cpuS } = await timedVirtualRun(doc);
  const m = report.metrics.counters;
  console.log(
    JSON.stringify({
      case: name,
      devices,
      duration,
      workers,
      events: report.run.eventsProcessed,
      wallS: Number(wallS.toFixed(2)),
      cpuS: Number(cpuS.toFixed(2)),
      publishes: m.mqtt_publish_total,
      buffered: m.telemetry_buffered_total,
      flushed: m.telemetry_flushed_total,
      status: report.status,
    }),
  );
  return { wallS, cpuS, events: report.run.eventsProcessed };
}

// Interleaved rounds, the fastest of each case: a shared machine's load comes and goes.
const rounds = Number(arg('rounds', '3'));
console.log(JSON.stringify(await bestOfRounds(Object.keys(CASES), rounds, runCase)));
