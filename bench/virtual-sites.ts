// bench/virtual-sites: the performance check for topology. The same fleet (persistent
// LTE-M devices, telemetry every 15 min, a 15-minute backend outage at 12 h) runs in one process
// three ways, in interleaved rounds: plain; with offline buffers; with offline buffers AND 10k
// sites (a shared link with latency, loss and bandwidth per site, and a site outage of 2% of the
// sites at 6 h, every device behind them dropped at once).
//   npx tsx bench/virtual-sites.ts [--devices 1000000] [--sites 10000] [--duration 24h] [--workers 2] [--rounds 2]
//     [--cases plain,buffer,sites+buffer]
// Prints one JSON line per run, then each case's fastest wall time and its ratio to the plain one.
import { bestOfRounds } from './lib/best-of-rounds.js';
import { timedVirtualRun } from './lib/timed-virtual.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const devices = Number(arg('devices', '1000000'));
const sites = Number(arg('sites', '10000'));
const duration = arg('duration', '24h');
const workers = Number(arg('workers', '2'));

const BUFFER = { capacity: 500, 'when-full': 'drop-oldest', 'flush-rate': '1/s' };
const OUTAGE = { type: 'backend-outage', at: '12h', duration: '15m' };
const CASES: Record<string, { buffer: boolean; sites: boolean }> = {
  plain: { buffer: false, sites: false },
  buffer: { buffer: true, sites: false },
  'sites+buffer': { buffer: true, sites: true },
};

async function runCase(name: string): Promise<{ wallS: number; cpuS: number }> {
  const c = CASES[name] ?? { buffer: false, sites: false };
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
    telemetry: {
      interval: '15m',
      jitter: '30s',
      payload: '64B..256B',
      qos: 1,
      ...(c.buffer ? { buffer: BUFFER } : {}),
    },
  };
  const doc = {
    name: `bench-sites-${name.replace('+', '-')}`,
    seed: 1,
    duration,
    workers,
    fleet: [{ device, count: devices }],
    'power-on': { spread: '10m' },
    backend: { connect: { rate: '20000/s', burst: 5000 }, ingest: { rate: '200000/s' } },
    ...(c.sites
      ? { sites: { count: sites, link: { bandwidth: '10Mbit/s', latency: '20ms', loss: '0.1%' } } }
      : {}),
    faults: c.sites
      ? [OUTAGE, { type: 'radio-drop', at: '6h', duration: '5m..30m', who: { sites: '2%' } }]
      : [OUTAGE],
  };
  const { report, wallS, cpuS } = await timedVirtualRun(doc);
  const m = report.metrics.counters;
  console.log(
    JSON.stringify({
      case: name,
      devices,
      sites: c.sites ? (report.sites?.sites ?? 0) : 0,
      duration,
      workers,
      events: report.run.eventsProcessed,
      wallS: Number(wallS.toFixed(2)),
      cpuS: Number(cpuS.toFixed(2)),
      publishes: m.mqtt_publish_total,
      buffered: m.telemetry_buffered_total,
      siteOutages: report.sites?.outages ?? 0,
      siteOutageHits: report.faults
        .filter((f) => f.type === 'radio-drop')
        .reduce((n, f) => n + f.devicesHit, 0),
      status: report.status,
    }),
  );
  return { wallS, cpuS };
}

// Interleaved rounds, the fastest of each case: a shared machine's load comes and goes.
const rounds = Number(arg('rounds', '2'));
console.log(
  JSON.stringify(await bestOfRounds(arg('cases', Object.keys(CASES).join(',')).split(','), rounds, runCase)),
);
