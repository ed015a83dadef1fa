// Baseline for bench/programs: the thermostat program written the obvious way, one object and
// one @sinonjs/fake-timers clock per device (so each device's setInterval / Date.now are its
// own). Same logic as the programmed case: a reading every minute, a batch publish every 15
// minutes, a set-setpoint command to 10% of the fleet at 12 h that writes flash.
// How the fleet's clocks advance together (--order):
//   lockstep (default, --step-ms 300000): every clock ticks by the step in turn. A step longer
//     than the program's shortest timer batches several callbacks per tick (cheap), but whatever
//     the devices send inside a step reaches a shared backend at the step's end, out of order.
//     --step-ms 1000 is the resolution the modelled backend's queues work at.
//   exact: every callback in global time order (what a fleet sharing one backend needs, and what
//     the engine does): a binary heap of devices keyed by their clock's next timer, the earliest
//     device's clock ticked to it. fake-timers has no public "next timer" query, so this reads its
//     timer heap (clock.timerHeap.peek()), the cheapest way there is.
//   npx tsx bench/baseline-program-fake-timers.ts [--devices 10000] [--hours 24]
//     [--order lockstep|exact] [--step-ms 300000]
import FakeTimers from '@sinonjs/fake-timers';
import { monotonicMs } from '../src/clock/real-clock.js';
import { Stream } from '../src/random/rng.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const orderAt = process.argv.indexOf('--order');
const order = orderAt >= 0 ? process.argv[orderAt + 1] : 'lockstep';
if (order !== 'lockstep' && order !== 'exact') throw new Error(`unknown --order ${order}`);

const devices = arg('devices', 10_000);
const hours = arg('hours', 24);
const MIN = 60_000;
const STEP_MS = arg('step-ms', 5 * MIN);
const COMMAND_AT_MS = 12 * 60 * MIN;
let callbacks = 0;
let publishes = 0;
let publishedBytes = 0;

interface Device {
  id: string;
  clock: FakeTimers.Clock;
  rng: Stream;
  state: { setpoint: number; heating: boolean; readings: number[] };
  flash: Map<string, string>;
}

/** A normal draw around 21 °C (Box-Muller), as the sensor stub's generator does. */
function temperature(d: Device): number {
  const u = Math.max(d.rng.next(), 1e-12);
  const v = d.rng.next();
  return Math.round((21 + 1.5 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)) * 10) / 10;
}

function publish(d: Device, topic: string, payload: unknown): void {
  publishes++;
  publishedBytes += topic.length + JSON.stringify(payload).length;
}

function boot(d: Device): void {
  callbacks++;
  d.state.setpoint = Number(d.flash.get('setpoint') ?? 21);
  d.clock.setInterval(() => {
    callbacks++;
    const t = temperature(d);
    d.state.readings.push(t);
    if (t < d.state.setpoint - 0.5) d.state.heating = true;
    else if (t > d.state.setpoint + 0.5) d.state.heating = false;
  }, MIN);
  d.clock.setInterval(() => {
    callbacks++;
    const r = d.state.readings;
    if (r.length === 0) return;
    let sum = 0;
    for (const x of r) sum += x;
    publish(d, `devices/${d.id}/telemetry`, {
      at: d.clock.Date.now(),
      avg: Math.round((sum / r.length) * 10) / 10,
      min: Math.min(...r),
      max: Math.max(...r),
      heating: d.state.heating,
      setpoint: d.state.setpoint,
    });
    d.state.readings = [];
  }, 15 * MIN);
}

function command(d: Device, name: string, args: { value: number }): void {
  callbacks++;
  if (name !== 'set-setpoint') return;
  d.state.setpoint = args.value;
  d.flash.set('setpoint', String(args.value));
  publish(d, `devices/${d.id}/cmd/reply`, { ok: true, setpoint: args.value });
}

const rssBefore = process.memoryUsage().rss;
const rng = new Stream(1);
const fleet: Device[] = [];
for (let i = 0; i < devices; i++) {
  const d: Device = {
    id: `thermostat-${i}`,
    clock: FakeTimers.createClock(0),
    rng: new Stream(i + 1),
    state: { setpoint: 21, heating: false, readings: [] },
    flash: new Map(),
  };
  fleet.push(d);
  // power-on spread over 10 minutes, as the scenarios do
  d.clock.setTimeout(() => boot(d), Math.floor(rng.next() * 10 * MIN));
}

const endMs = hours * 60 * MIN;
function commandTenth(): void {
  for (let i = 0; i < devices; i += 10) command(fleet[i]!, 'set-setpoint', { value: 22.5 });
}

function runLockstep(): void {
  let commanded = false;
  for (let t = 0; t < endMs; t += STEP_MS) {
    for (const d of fleet) d.clock.tick(Math.min(STEP_MS, endMs - t));
    if (!commanded && t + STEP_MS >= COMMAND_AT_MS) {
      commandTenth();
      commanded = true;
    }
  }
}

/** The clock's next timer (fake-timers internals: its timer heap), or Infinity. */
function nextDueMs(d: Device): number {
  const heap = (d.clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } }).timerHeap;
  return heap?.peek()?.callAt ?? Infinity;
}

function runExact(): void {
  // a binary min-heap of device indices keyed by their next due time, in typed arrays
  const key = new Float64Array(devices);
  const heap = new Int32Array(devices);
  let size = 0;
  const less = (a: number, b: number): boolean => key[a]! < key[b]! || (key[a] === key[b] && a < b);
  const siftDown = (i: number): void => {
    const x = heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && less(heap[c + 1]!, heap[c]!)) c++;
      if (!less(heap[c]!, x)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = x;
  };
  for (let i = 0; i < devices; i++) {
    key[i] = nextDueMs(fleet[i]!);
    heap[size++] = i;
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i);
  let commanded = false;
  while (size > 0) {
    const i = heap[0]!;
    const at = key[i]!;
    if (at > endMs) break; // lockstep fires timers due at the end too
    if (!commanded && at >= COMMAND_AT_MS) {
      commandTenth();
      commanded = true;
    }
    const d = fleet[i]!;
    d.clock.tick(at - d.clock.now); // fires the timers due at `at`
    key[i] = nextDueMs(d);
    siftDown(0);
  }
  if (!commanded && endMs > COMMAND_AT_MS) commandTenth();
}

const t0 = monotonicMs();
const c0 = process.cpuUsage();
if (order === 'exact') runExact();
else runLockstep();
const wallS = (monotonicMs() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    case: order === 'exact' ? 'fake-timers-exact' : `fake-timers-step-${STEP_MS / 1000}s`,
    devices,
    hours,
    events: callbacks + publishes,
    callbacks,
    publishes,
    publishedBytes,
    wallS: Number(wallS.toFixed(2)),
    cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    eventsPerSec: Math.round((callbacks + publishes) / wallS),
    callbacksPerSec: Math.round(callbacks / wallS),
    callbacksPerCpuSec: Math.round(callbacks / ((cpu.user + cpu.system) / 1e6)),
    peakRssMB: Math.round(peakRss / 1e6),
    bytesPerDevice: Math.round((peakRss - rssBefore) / devices),
  }),
);
