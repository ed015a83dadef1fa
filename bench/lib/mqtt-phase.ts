// One side of bench/live-mqtt.ts, run in its own process (fresh heap, own fd budget):
// connect N devices, measure RSS per connection after GC, then run a fixed open-loop QoS 1
// publish schedule and measure throughput, publish→PUBACK latency from the intended send time,
// and generator lag. Prints one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { monotonicUs } from '../../src/clock/real-clock.js';
import { assertFdBudget } from '../../src/transports/fd-budget.js';
import { leanClient, mqttjsClient, type BenchClient, type BenchEvents } from './bench-client.js';

const { values } = parseArgs({
  options: {
    impl: { type: 'string', default: 'lean' },
    port: { type: 'string' },
    connections: { type: 'string', default: '19000' },
    publishes: { type: 'string', default: '600000' },
    rate: { type: 'string', default: '60000' },
    concurrency: { type: 'string', default: '100' },
    'local-addresses': { type: 'string', default: '8' },
    'payload-bytes': { type: 'string', default: '64' },
    'broker-pid': { type: 'string' },
  },
});

const impl = values.impl === 'mqttjs' ? 'mqttjs' : 'lean';
const N = Number(values.connections);
const M = Number(values.publishes);
const rate = Number(values.rate);
const concurrency = Number(values.concurrency);
const localCount = Number(values['local-addresses']);
const gc = (globalThis as { gc?: () => void }).gc;
const log = (msg: string): void => void process.stderr.write(`[${impl}] ${msg}\n`);

const histogram = (): hdr.Histogram =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
const connectHist = histogram();
const ackHist = histogram();
const lagHist = histogram();
const counts = { connected: 0, connectFailed: 0, acked: 0, publishFailed: 0, notSent: 0, lost: 0 };
let lastAckUs = 0;
let wake: (() => void) | undefined;

const events: BenchEvents = {
  connected(latencyUs) {
    counts.connected++;
    connectHist.recordValue(Math.max(1, Math.round(latencyUs)));
    wake?.();
  },
  connectFailed() {
    counts.connectFailed++;
    wake?.();
  },
  acked(latencyUs) {
    counts.acked++;
    lastAckUs = monotonicUs();
    ackHist.recordValue(Math.max(1, Math.round(latencyUs)));
    if (counts.acked + counts.publishFailed + counts.notSent === M) wake?.();
  },
  publishFailed() {
    counts.publishFailed++;
  },
  lost() {
    counts.lost++;
  },
};

function settleRss(): { rss: number; heap: number } {
  for (let i = 0; i < 4; i++) gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let issued = 0;

/** Connects devices [issued, upTo) with at most `concurrency` handshakes outstanding. */
async function connectAll(client: BenchClient, upTo: number): Promise<number> {
  const startUs = monotonicUs();
  await new Promise<void>((resolve) => {
    wake = () => {
      const done = counts.connected + counts.connectFailed;
      while (issued < upTo && issued - done < concurrency) client.connect(issued++);
      if (done === upTo) resolve();
    };
    wake();
  });
  wake = undefined;
  return (monotonicUs() - startUs) / 1e6;
}

/** Open loop: publish k is due at t0 + k / rate whatever happened to earlier ones. */
async function publishSchedule(client: BenchClient): Promise<{ t0: number; endUs: number }> {
  const periodUs = 1e6 / rate;
  const t0 = monotonicUs() + 10_000;
  let k = 0;
  const finished = new Promise<void>((resolve) => (wake = resolve));
  await new Promise<void>((resolve) => {
    const loop = (): void => {
      const now = monotonicUs();
      for (let due = t0 + k * periodUs; k < M && due <= now; due = t0 + ++k * periodUs) {
        lagHist.recordValue(Math.max(1, Math.round(now - due)));
        if (!client.publish(k % N, k, due)) counts.notSent++;
      }
      if (k >= M) return resolve();
      // Sleep until the next publish is due (a 1 ms timer) instead of spinning: a spinning
      // loop polls epoll without blocking and bills the client for the busy-wait.
      if (t0 + k * periodUs > monotonicUs()) setTimeout(loop, 1);
      else setImmediate(loop);
    };
    loop();
  });
  if (counts.acked + counts.publishFailed + counts.notSent < M)
    await Promise.race([finished, sleep(120_000)]);
  return { t0, endUs: lastAckUs };
}

function summary(h: hdr.Histogram): Record<string, number> {
  const ms = (us: number): number => Math.round(us / 10) / 100;
  return {
    p50Ms: ms(h.getValueAtPercentile(50)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    maxMs: ms(h.maxValue),
  };
}

/** CPU time (user + system) of another process in µs, from /proc (Linux; 0 elsewhere). */
function processCpuUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // utime, stime in USER_HZ (100)
  } catch {
    return 0;
  }
}

async function connectPhase(client: BenchClient): Promise<Record<string, number>> {
  // Warm up (JIT, table growth, lazily loaded internals) so the RSS delta is per connection.
  const warmup = Math.min(500, Math.floor(N / 10));
  const warmSec = await connectAll(client, warmup);
  await sleep(200);
  const before = settleRss();
  log(`connecting ${N}`);
  const connectSec = warmSec + (await connectAll(client, N));
  await sleep(1000);
  const after = settleRss();
  const perConn = (bytes: number): number => Math.round(bytes / Math.max(1, counts.connected - warmup));
  return {
    connections: counts.connected,
    connectFailed: counts.connectFailed,
    connectSec: round(connectSec),
    connectsPerSec: Math.round(counts.connected / connectSec),
    rssPerConnBytes: perConn(after.rss - before.rss),
    heapPerConnBytes: perConn(after.heap - before.heap),
    rssAfterConnectMiB: round(after.rss / 2 ** 20),
  };
}

async function publishPhase(client: BenchClient, brokerPid: number): Promise<Record<string, number>> {
  log(`publishing ${M} QoS 1 at ${rate}/s`);
  const cpu0 = process.cpuUsage();
  const broker0 = processCpuUs(brokerPid);
  const { t0, endUs } = await publishSchedule(client);
  const cpu = process.cpuUsage(cpu0);
  const brokerUs = processCpuUs(brokerPid) - broker0;
  const publishSec = (endUs - t0) / 1e6;
  const acked = Math.max(1, counts.acked);
  return {
    rssPeakMiB: round(process.memoryUsage().rss / 2 ** 20),
    offeredRate: rate,
    publishes: M,
    acked: counts.acked,
    publishFailed: counts.publishFailed,
    notSent: counts.notSent,
    lostConnections: counts.lost,
    publishSec: round(publishSec),
    ackedPerSec: Math.round(counts.acked / publishSec),
    clientCpuUsPerPublish: round((cpu.user + cpu.system) / acked),
    clientSysUsPerPublish: round(cpu.system / acked),
    brokerCpuUsPerPublish: brokerPid > 0 ? round(brokerUs / acked) : 0,
  };
}

async function main(): Promise<void> {
  assertFdBudget(N, `bench ${impl}`);
  const localAddresses = Array.from({ length: localCount }, (_, i) => `127.0.0.${i + 2}`);
  const target = { host: '127.0.0.1', port: Number(values.port), localAddresses, keepaliveSec: 300 };
  const payload = Buffer.alloc(Number(values['payload-bytes']), 0x61);
  const client =
    impl === 'lean'
      ? leanClient({ ...target, payload }, events)
      : mqttjsClient({ ...target, payload }, events);
  const connected = await connectPhase(client);
  const published = await publishPhase(client, Number(values['broker-pid'] ?? 0));
  await client.closeAll();
  const result = { impl, ...connected, connect: summary(connectHist), ...published };
  process.stdout.write(JSON.stringify({ ...result, ack: summary(ackHist), lag: summary(lagHist) }) + '\n');
}

const round = (x: number): number => Math.round(x * 100) / 100;

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
