// Baseline for bench/programs: the thermostat program written the obvious way, one object and
// one @sinonjs/fake-timers clock per device (so each device's setInterval / Date.now are its
// own), the fleet advanced in lock step 5 virtual minutes at a time. Same logic as the
// programmed case: a reading every minute, a batch publish every 15 minutes, a set-setpoint
// command to 10% of the fleet at 12 h that writes flash.
//   npx tsx bench/baseline-program-fake-timers.ts [--devices 10000] [--hours 24]
import FakeTimers from '@sinonjs/fake-timers';
import { monotonicMs } from '../src/clock/real-clock.js';
import { Stream } from '../src/random/rng.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const devices = arg('devices', 10_000);
const hours = arg('hours', 24);
const MIN = 60_000;
const STEP_MS = 5 * MIN;
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

const t0 = monotonicMs();
const c0 = process.cpuUsage();
for (let t = 0; t < hours * 60 * MIN; t += STEP_MS) {
  for (const d of fleet) d.clock.tick(STEP_MS);
  if (t + STEP_MS === COMMAND_AT_MS) {
    for (let i = 0; i < devices; i += 10) command(fleet[i]!, 'set-setpoint', { value: 22.5 });
  }
}
const wallS = (monotonicMs() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    case: 'program-fake-timers',
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
