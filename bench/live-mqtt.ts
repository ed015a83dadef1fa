// Live MQTT benchmark (DESIGN §11), side by side in one run: fleetstorm's lean pool vs one
// MQTT.js client per device, each in its own process against its own fresh local mosquitto.
//   npx tsx bench/live-mqtt.ts [--connections 19000] [--publishes 600000] [--rate 60000]
//                              [--baseline-connections N] [--local-addresses 8] [--only lean|mqttjs]
// Prints a table and one JSON line (stdout); progress goes to stderr.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mosquittoInstalled, MOSQUITTO_MISSING, startMosquitto } from './lib/mosquitto.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '19000' },
    'baseline-connections': { type: 'string' },
    publishes: { type: 'string', default: '600000' },
    rate: { type: 'string', default: '60000' },
    concurrency: { type: 'string', default: '100' },
    'local-addresses': { type: 'string', default: '8' },
    'payload-bytes': { type: 'string', default: '64' },
    only: { type: 'string' },
  },
});

type PhaseResult = Record<string, unknown> & {
  impl: string;
  connections: number;
  connectsPerSec: number;
  rssPerConnBytes: number;
  ackedPerSec: number;
};

const phaseScript = fileURLToPath(new URL('./lib/mqtt-phase.ts', import.meta.url));

function runPhase(impl: string, port: number, brokerPid: number, connections: string): Promise<PhaseResult> {
  const args = ['--expose-gc', '--import', 'tsx', phaseScript, '--impl', impl, '--port', String(port)];
  args.push('--broker-pid', String(brokerPid));
  args.push('--connections', connections, '--publishes', values.publishes, '--rate', values.rate);
  args.push('--concurrency', values.concurrency, '--local-addresses', values['local-addresses']);
  args.push('--payload-bytes', values['payload-bytes']);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${impl} phase failed (exit ${code})`));
      else resolve(JSON.parse(line) as PhaseResult);
    });
  });
}

async function measure(impl: string, connections: string): Promise<PhaseResult> {
  const broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
  try {
    process.stderr.write(`[bench] ${impl}: mosquitto pid ${broker.pid} on port ${broker.port}\n`);
    return await runPhase(impl, broker.port, broker.pid, connections);
  } finally {
    await broker.stop();
  }
}

const ceiling = (us: unknown): number | string =>
  typeof us === 'number' && us > 0 ? Math.round(1e6 / us) : '-';

const fmt = (x: unknown): string => (typeof x === 'number' ? x.toLocaleString('en-US') : String(x ?? '-'));

function table(rows: PhaseResult[]): string {
  const metrics: [string, (r: PhaseResult) => unknown][] = [
    ['connections', (r) => r.connections],
    ['connects/s', (r) => r.connectsPerSec],
    ['connect p99 ms', (r) => (r.connect as { p99Ms: number }).p99Ms],
    ['RSS/connection B', (r) => r.rssPerConnBytes],
    ['heap/connection B', (r) => r.heapPerConnBytes],
    ['QoS1 offered/s', (r) => r.offeredRate],
    ['QoS1 acked/s', (r) => r.ackedPerSec],
    ['acked / publishes', (r) => `${fmt(r.acked)} / ${fmt(r.publishes)}`],
    ['not sent (window)', (r) => r.notSent],
    ['client CPU µs/publish', (r) => r.clientCpuUsPerPublish],
    ['  of which kernel', (r) => r.clientSysUsPerPublish],
    ['broker CPU µs/publish', (r) => r.brokerCpuUsPerPublish],
    // What one single-threaded broker could ack with a whole core to itself at that cost.
    ['broker ceiling/s (1 core)', (r) => ceiling(r.brokerCpuUsPerPublish)],
    ['ack p50 ms', (r) => (r.ack as { p50Ms: number }).p50Ms],
    ['ack p99 ms', (r) => (r.ack as { p99Ms: number }).p99Ms],
    ['gen lag p99 ms', (r) => (r.lag as { p99Ms: number }).p99Ms],
    ['gen lag max ms', (r) => (r.lag as { maxMs: number }).maxMs],
    ['peak RSS MiB', (r) => r.rssPeakMiB],
  ];
  const head = ['metric', ...rows.map((r) => r.impl)];
  const body = metrics.map(([name, get]) => [name, ...rows.map((r) => fmt(get(r)))]);
  const widths = head.map((_, c) => Math.max(...[head, ...body].map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string => row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  if (!mosquittoInstalled()) throw new Error(MOSQUITTO_MISSING);
  const results: PhaseResult[] = [];
  if (values.only !== 'mqttjs') results.push(await measure('lean', values.connections));
  if (values.only !== 'lean') {
    results.push(await measure('mqttjs', values['baseline-connections'] ?? values.connections));
  }
  const [lean, base] = [results.find((r) => r.impl === 'lean'), results.find((r) => r.impl === 'mqttjs')];
  const ratios =
    lean && base
      ? {
          throughputRatio: Math.round((lean.ackedPerSec / base.ackedPerSec) * 100) / 100,
          memoryRatio: Math.round((lean.rssPerConnBytes / base.rssPerConnBytes) * 100) / 100,
          connectRateRatio: Math.round((lean.connectsPerSec / base.connectsPerSec) * 100) / 100,
          clientCpuPerPublishRatio:
            Math.round(
              ((lean.clientCpuUsPerPublish as number) / (base.clientCpuUsPerPublish as number)) * 100,
            ) / 100,
        }
      : undefined;
  const targets = lean
    ? {
        publishesPerSecAtLeast60k: lean.ackedPerSec >= 60_000,
        rssPerConnAtMost10KB: lean.rssPerConnBytes <= 10_240,
        throughputAtLeast1_5xBaseline: ratios ? ratios.throughputRatio >= 1.5 : undefined,
        memoryAtMostHalfBaseline: ratios ? ratios.memoryRatio <= 0.5 : undefined,
      }
    : undefined;
  process.stdout.write(table(results) + '\n');
  if (ratios) {
    process.stdout.write(
      `\nlean / MQTT.js: throughput ×${ratios.throughputRatio}, RSS per connection ×${ratios.memoryRatio}, ` +
        `connect rate ×${ratios.connectRateRatio}, client CPU per publish ×${ratios.clientCpuPerPublishRatio}\n`,
    );
  }
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  process.stdout.write(
    JSON.stringify({ bench: 'live-mqtt', loadavg: load, results, ratios, targets }) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
