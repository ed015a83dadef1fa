// Live mode past one process's socket limit: 3 local mosquitto brokers on free loopback ports,
// 51,000 always-connected gateways spread over them (id mod 3), `--processes 3` (17,000 device
// sockets per process, under the 20,000 open-file limit). Prints the peak of connected devices
// from the merged report's series, and one JSON line on stdout.
//   npx tsx bench/live-multi.ts [--devices 51000] [--speed 5] [--duration 3m]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  mosquittoInstalled,
  MOSQUITTO_MISSING,
  startMosquitto,
  type MosquittoHandle,
} from './lib/mosquitto.js';
import type { Report } from '../src/reports/report-types.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '51000' },
    speed: { type: 'string', default: '5' },
    duration: { type: 'string', default: '3m' },
    processes: { type: 'string', default: '3' },
  },
});

function scenario(devices: number, processes: number): Record<string, unknown> {
  return {
    name: 'live-multi-bench',
    seed: 7,
    mode: 'live',
    duration: values.duration,
    fleet: [{ device: 'gateway', count: devices }],
    'power-on': { spread: '1m' },
    live: {
      speed: Number(values.speed),
      'max-concurrent-connections': Math.ceil(devices / processes) + 100,
      processes,
    },
  };
}

function runCli(args: string[]): Promise<number> {
  const child = spawn(process.execPath, ['bin/fleetstorm.js', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child.once('close', (code) => resolve(code ?? 70)));
}

function peakConnected(r: Report): number {
  return Math.max(0, ...(r.series.connStates.connected ?? []));
}

async function main(): Promise<void> {
  if (!mosquittoInstalled()) throw new Error(MOSQUITTO_MISSING);
  const devices = Number(values.devices);
  const processes = Number(values.processes);
  const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-live-multi-'));
  const brokers: MosquittoHandle[] = [];
  try {
    // The end-to-end subscriber of each process takes a third of the fleet's telemetry from each
    // broker; past mosquitto's default queue of 1,000 messages per client it drops them.
    const extraConfig = ['max_queued_messages 0'];
    for (let i = 0; i < 3; i++) brokers.push(await startMosquitto({ extraConfig }));
    const file = join(dir, 'scenario.json');
    await writeFile(file, JSON.stringify(scenario(devices, processes)));
    const args = ['run', file, '--out', join(dir, 'report'), '--quiet', '--json', '--no-html'];
    for (const b of brokers) args.push('--target-mqtt', b.url);
    process.stderr.write(
      `[bench] ${devices} devices, ${processes} processes, brokers ${brokers.map((b) => b.port).join(', ')}\n`,
    );
    const code = await runCli(args);
    const r = JSON.parse(await readFile(join(dir, 'report', 'report.json'), 'utf8')) as Report;
    const c = (name: string): number => r.metrics.counters[name] ?? 0;
    const row = {
      case: 'live-multi',
      devices: r.devices,
      processes,
      brokers: brokers.length,
      exitCode: code,
      status: r.status,
      peakConnected: peakConnected(r),
      connectSuccess: c('mqtt_connect_success_total'),
      connectFailed: c('mqtt_connect_failed_total'),
      sent: c('mqtt_publish_total'),
      acked: c('mqtt_publish_acked_total'),
      delivered: c('mqtt_delivered_total'),
      wallS: Math.round(r.run.wallMs / 100) / 10,
      warnings: r.warnings,
    };
    console.log(
      `peak connected devices: ${row.peakConnected} of ${devices} (${processes} processes, 3 brokers)`,
    );
    console.log(JSON.stringify(row));
  } finally {
    await Promise.all(brokers.map((b) => b.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
