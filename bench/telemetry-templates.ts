// JSON- and CBOR-template telemetry vs raw-size telemetry, side by side in one run: live mode
// against mosquitto (publishes/s acked, client CPU per publish: the whole fleetstorm process,
// subscriber included), and virtual mode (events/s), with the same fleet and schedule; MQTT 3.1.1
// (markers in the payload) and MQTT 5 (markers in user properties).
//   npx tsx bench/telemetry-templates.ts [--devices 500] [--duration 20s]
import { monotonicMs } from '../src/clock/real-clock.js';
import { runLive } from '../src/app/live-engine.js';
import { runResolved } from '../src/app/run.js';
import { compilePayload, type PayloadTemplate } from '../src/payload/compile.js';
import { DevicePayloads } from '../src/payload/device-payloads.js';
import { resolveScenarioObject } from '../src/scenario/index.js';
import { startMosquitto } from './lib/mosquitto.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const devices = Number(arg('devices', '500'));
const duration = arg('duration', '20s');

const FIELDS = {
  id: { device: 'id' },
  fw: { device: 'firmware' },
  temp: { normal: { mean: 21, stddev: 2 } },
  hum: { uniform: { min: 20, max: 80 } },
  level: { walk: { start: 50, step: 2, min: 0, max: 100 } },
  state: { pick: ['ok', 'warn', 'fault'] },
  at: { timestamp: 'epoch-ms' },
  ts: { fleetstorm: 'sent-at' },
  seq: { fleetstorm: 'seq' },
};

type Protocol = '3.1.1' | '5';

function doc(payload: unknown, protocol: Protocol, mode: 'live' | 'virtual', url?: string) {
  const topic = typeof payload === 'string' ? {} : { topic: 'devices/{id}/telemetry' };
  const telemetry = { interval: '200ms', jitter: '50ms', qos: 1, payload, ...topic };
  const connectivity = { protocol };
  return resolveScenarioObject(
    {
      name: 'templates-bench',
      seed: 3,
      mode,
      duration,
      ...(mode === 'virtual' ? { interval: '5s' } : {}),
      fleet: [
        {
          count: devices,
          device: { name: 'meter', radio: { profile: 'ethernet' }, connectivity, telemetry },
        },
      ],
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
const rows: [string, unknown, Protocol][] = [
  ['raw size 120B, own topic', '120B', '3.1.1'],
  ['JSON template (9 fields), devices/{id}/telemetry', { json: FIELDS }, '3.1.1'],
  ['CBOR template (9 fields), devices/{id}/telemetry', { cbor: FIELDS }, '3.1.1'],
  ['MQTT 5: raw size 120B, own topic', '120B', '5'],
  ['MQTT 5: CBOR template, measured in user properties', { cbor: FIELDS }, '5'],
];
for (const [name, payload, protocol] of rows) {
  const broker = await startMosquitto();
  const cpu0 = process.cpuUsage();
  const t0 = monotonicMs();
  const r = await runLive(await doc(payload, protocol, 'live', broker.url), { workers: 1 });
  const wallS = (monotonicMs() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await broker.stop();
  const acked = r.agg.counter('mqtt_publish_acked_total');
  const v0 = monotonicMs();
  const v = (await runResolved(await doc(payload, protocol, 'virtual'), { noFiles: true })).report;
  const vS = (monotonicMs() - v0) / 1000;
  const events = v.metrics.counters.mqtt_publish_total ?? 0;
  const cpuUs = cpu.user + cpu.system;
  console.log(
    `| ${name} | ${Math.round(acked / wallS)} | ${(cpuUs / Math.max(1, acked)).toFixed(1)} | ${Math.round(events / vS)} |`,
  );
}

// The render alone, without network or subscriber: CPU per payload and its size.
console.log('\n| template (9 fields) | render CPU µs/payload | bytes |');
console.log('| --- | ---: | ---: |');
for (const [name, t] of [
  ['JSON', { json: FIELDS }],
  ['CBOR', { cbor: FIELDS }],
] as [string, PayloadTemplate][]) {
  const p = new DevicePayloads(compilePayload(t, 'bench'), 1000, 1, 0, 1.7e12);
  const renders = 300_000;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < renders; i++) {
    const d = i % 1000;
    const facts = { id: `meter-${d}`, index: d, type: 'meter', firmware: '1.0.0', batteryPct: 100 };
    bytes += p.nextPayload(d, { ...facts, tUs: i * 1000, sentAtUs: 1e9 + i }).payload.length;
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `| ${name} | ${((cpu.user + cpu.system) / renders).toFixed(2)} | ${Math.round(bytes / renders)} |`,
  );
}
