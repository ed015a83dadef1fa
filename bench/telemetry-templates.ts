// JSON-template telemetry vs raw-size telemetry, side by side in one run: live mode against
// mosquitto (publishes/s acked, client CPU per publish: the whole fleetstorm process, subscriber
// included), and virtual mode (events/s), with the same fleet and schedule.
//   npx tsx bench/telemetry-templates.ts [--devices 500] [--duration 20s]
import { monotonicMs } from '../src/clock/real-clock.js';
import { runLive } from '../src/app/live-engine.js';
import { runResolved } from '../src/app/run.js';
import { resolveScenarioObject } from '../src/scenario/index.js';
import { startMosquitto } from './lib/mosquitto.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const devices = Number(arg('devices', '500'));
const duration = arg('duration', '20s');

const TEMPLATE = {
  json: {
    id: { device: 'id' },
    fw: { device: 'firmware' },
    temp: { normal: { mean: 21, stddev: 2 } },
    hum: { uniform: { min: 20, max: 80 } },
    level: { walk: { start: 50, step: 2, min: 0, max: 100 } },
    state: { pick: ['ok', 'warn', 'fault'] },
    at: { timestamp: 'epoch-ms' },
    ts: { fleetstorm: 'sent-at' },
    seq: { fleetstorm: 'seq' },
  },
};

function doc(payload: unknown, mode: 'live' | 'virtual', url?: string) {
  const topic = typeof payload === 'string' ? {} : { topic: 'devices/{id}/telemetry' };
  const telemetry = { interval: '200ms', jitter: '50ms', qos: 1, payload, ...topic };
  return resolveScenarioObject(
    {
      name: 'templates-bench',
      seed: 3,
      mode,
      duration,
      ...(mode === 'virtual' ? { interval: '5s' } : {}),
      fleet: [{ count: devices, device: { name: 'meter', radio: { profile: 'ethernet' }, telemetry } }],
      'power-on': { spread: '1s' },
      ...(mode === 'live' ? { live: { speed: 1 } } : {}),
    },
    'bench (in memory)',
    { env: {}, overrides: url ? { targetMqtt: [url] } : {} },
  );
}

console.log(
  `| payload | live publishes/s | live CPU µs/publish | virtual events/s |  (${devices} devices, ${duration})`,
);
console.log('| --- | ---: | ---: | ---: |');
for (const [name, payload] of [
  ['raw size 120B, own topic', '120B'],
  ['JSON template (9 fields), devices/{id}/telemetry', TEMPLATE],
] as const) {
  const broker = await startMosquitto();
  const cpu0 = process.cpuUsage();
  const t0 = monotonicMs();
  const r = await runLive(await doc(payload, 'live', broker.url), { workers: 1 });
  const wallS = (monotonicMs() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await broker.stop();
  const acked = r.agg.counter('mqtt_publish_acked_total');
  const v0 = monotonicMs();
  const v = (await runResolved(await doc(payload, 'virtual'), { noFiles: true })).report;
  const vS = (monotonicMs() - v0) / 1000;
  const events = v.metrics.counters.mqtt_publish_total ?? 0;
  const cpuUs = cpu.user + cpu.system;
  console.log(
    `| ${name} | ${Math.round(acked / wallS)} | ${(cpuUs / Math.max(1, acked)).toFixed(1)} | ${Math.round(events / vS)} |`,
  );
}
