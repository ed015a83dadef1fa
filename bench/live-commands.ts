// Operator commands in live mode against mosquitto: one operation sends a command to every
// device at `--rate` (real commands/s, speed 1), the devices answer after 50..200 ms. Prints the
// achieved send rate, fan-out and reply latency percentiles, the answered share, and the
// fleetstorm process's CPU per command: a run with the operation against the same run without it
// (devices, operator and subscriber in one process).
//   npx tsx bench/live-commands.ts [--devices 5000] [--rate 2000]
import { cpuUsage } from 'node:process';
import { runLive } from '../src/app/live-engine.js';
import { resolveScenarioObject } from '../src/scenario/index.js';
import { startMosquitto } from './lib/mosquitto.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const devices = Number(arg('devices', '5000'));
const rate = Number(arg('rate', '2000'));
const sendSec = devices / rate;

function scenario(url: string, withOperation: boolean) {
  return resolveScenarioObject(
    {
      name: 'commands-bench',
      seed: 5,
      mode: 'live',
      duration: `${Math.ceil(12 + sendSec + 5)}s`,
      interval: '1s',
      live: { speed: 1 },
      'power-on': { spread: '8s' },
      fleet: [
        {
          count: devices,
          device: {
            name: 'meter',
            extends: 'gateway',
            telemetry: { interval: '1h' },
            commands: {
              topic: 'm/{id}/cmd',
              'reply-topic': 'm/{id}/cmd/reply',
              'reply-delay': '50ms..200ms',
            },
          },
        },
      ],
      operations: withOperation
        ? [{ at: '12s', command: { name: 'set-config' }, rate: `${rate}/s`, timeout: '30s' }]
        : [],
    },
    'commands-bench (in memory)',
    { env: {}, overrides: { targetMqtt: [url] } },
  );
}

async function cpuMsOf(run: () => Promise<unknown>): Promise<number> {
  const cpu0 = cpuUsage();
  await run();
  const cpu = cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000;
}

const broker = await startMosquitto();
try {
  const quietMs = await cpuMsOf(async () => runLive(await scenario(broker.url, false), { workers: 1 }));
  const s = await scenario(broker.url, true);
  const cpu0 = cpuUsage();
  const r = await runLive(s, { workers: 1 });
  const cpu = cpuUsage(cpu0);
  const busyMs = (cpu.user + cpu.system) / 1000;
  const sent = r.agg.counter('command_sent_total');
  const replied = r.agg.counter('command_replied_total');
  const fan = r.agg.histogram('command_fanout_duration_us');
  const rep = r.agg.histogram('command_reply_duration_us');
  const ms = (us: number): string => `${(us / 1000).toFixed(1)} ms`;
  const lastSentUs = fan.maxValue; // intended send → received, last one bounds the send phase
  console.log(`devices ${devices}, rate ${rate}/s asked (${sendSec.toFixed(2)} s of sends)`);
  console.log(`sent ${sent}, received ${r.agg.counter('command_received_total')}, replied ${replied}`);
  console.log(
    `fan-out p50 ${ms(fan.getValueAtPercentile(50))} p99 ${ms(fan.getValueAtPercentile(99))} max ${ms(lastSentUs)}`,
  );
  console.log(`reply   p50 ${ms(rep.getValueAtPercentile(50))} p99 ${ms(rep.getValueAtPercentile(99))}`);
  console.log(`achieved ≥ ${(sent / (sendSec + lastSentUs / 1e6)).toFixed(0)} commands/s`);
  console.log(`process CPU ${busyMs.toFixed(0)} ms with the operation, ${quietMs.toFixed(0)} ms without`);
  console.log(
    `CPU per command (send, receive, reply, match) ≈ ${((1000 * (busyMs - quietMs)) / sent).toFixed(0)} µs`,
  );
  console.log(`warnings: ${r.warnings.join('; ') || 'none'}`);
} finally {
  await broker.stop();
}
