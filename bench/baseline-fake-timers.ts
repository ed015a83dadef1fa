// Baseline for bench/virtual-scale: the same device behaviour written the obvious way, one
// object and one @sinonjs/fake-timers timer per device (power-on spread, connect with latency,
// telemetry every 15 min ± 30 s, an outage with full-jitter reconnect backoff).
//   npx tsx bench/baseline-fake-timers.ts [--devices 100000] [--hours 24]
import FakeTimers from '@sinonjs/fake-timers';
import { monotonicMs } from '../src/clock/real-clock.js';
import { Stream } from '../src/random/rng.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const devices = arg('devices', 100_000);
const hours = arg('hours', 24);
const clock = FakeTimers.createClock(0);
const rng = new Stream(1);
const MIN = 60_000;
const outageStart = 12 * 60 * MIN;
const outageEnd = outageStart + 15 * MIN;
let events = 0;

interface Device {
  connected: boolean;
  attempt: number;
  timer: unknown;
}

function backendUp(): boolean {
  return clock.now < outageStart || clock.now >= outageEnd;
}

function connect(d: Device): void {
  events++;
  d.timer = clock.setTimeout(
    () => {
      events++;
      if (backendUp()) {
        d.connected = true;
        d.attempt = 0;
        schedulePublish(d);
      } else retry(d);
    },
    50 + rng.next() * 100,
  );
}

function retry(d: Device): void {
  d.connected = false;
  const cap = Math.min(5 * MIN, 2000 * 2 ** d.attempt++);
  d.timer = clock.setTimeout(() => connect(d), rng.next() * cap);
}

function schedulePublish(d: Device): void {
  d.timer = clock.setTimeout(
    () => {
      events++;
      if (!d.connected) return;
      schedulePublish(d);
    },
    15 * MIN - 30_000 + rng.next() * 60_000,
  );
}

const fleet: Device[] = [];
for (let i = 0; i < devices; i++) {
  const d: Device = { connected: false, attempt: 0, timer: null };
  fleet.push(d);
  d.timer = clock.setTimeout(() => connect(d), rng.next() * 10 * MIN);
}
clock.setTimeout(() => {
  for (const d of fleet) {
    if (!d.connected) continue;
    clock.clearTimeout(d.timer as number);
    retry(d);
  }
}, outageStart);

const t0 = monotonicMs();
const c0 = process.cpuUsage();
for (let t = 0; t < hours * 60 * MIN; t += 5 * MIN) clock.tick(5 * MIN);
const wallS = (monotonicMs() - t0) / 1000;
const cpu = process.cpuUsage(c0);
console.log(
  JSON.stringify({
    case: 'baseline-fake-timers',
    devices,
    hours,
    events,
    wallS: Number(wallS.toFixed(2)),
    cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    eventsPerSec: Math.round(events / wallS),
    peakRssMB: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
  }),
);
