// bench/programs: device programs at scale. One case per process (clean peak RSS):
//   npx tsx bench/programs.ts --case builtin|program [--devices 100000] [--hours 24] [--workers 2]
//     [--program path] [--in-thread]
// --in-thread runs the shards in this thread (src/testing/in-thread.ts, no workers): the figure
// to profile with `node --import tsx --cpu-prof bench/programs.ts ... --in-thread`.
// builtin: the thermostat fleet on the built-in state machine (a 15-minute stream of the batch's
// size); program: the same fleet running scenarios/devices/thermostat.ts (a reading every
// minute, a batch publish every 15 minutes, a set-setpoint command handler). The per-device
// fake-timers baseline is bench/baseline-program-fake-timers.ts. Prints one JSON line.
import { monotonicMs } from '../src/clock/real-clock.js';
import { runResolved } from '../src/app/run.js';
import { runInThread } from '../src/testing/in-thread.js';
import { thermostatFleet } from './lib/thermostat-fleet.js';

const THERMOSTAT_PROGRAM = 'scenarios/devices/thermostat.ts';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const kase = arg('case', 'program');
if (kase !== 'builtin' && kase !== 'program') throw new Error(`unknown case ${kase}`);
const devices = Number(arg('devices', '100000'));
const hours = Number(arg('hours', '24'));
const workers = Number(arg('workers', '2'));
const s = await thermostatFleet({
  devices,
  hours,
  workers,
  ...(kase === 'program' ? { program: arg('program', THERMOSTAT_PROGRAM) } : {}),
});
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const t0 = monotonicMs();
const c0 = process.cpuUsage();
const inThread = process.argv.includes('--in-thread');
const done = inThread
  ? { thread: runInThread(s), report: null }
  : { thread: null, report: (await runResolved(s, { noFiles: true })).report };
const wallS = (monotonicMs() - t0) / 1000;
const cpu = process.cpuUsage(c0); // every thread of the process: the workers too
const cpuS = (cpu.user + cpu.system) / 1e6;
const peakRss = process.resourceUsage().maxRSS * 1024;
const events = done.report?.run.eventsProcessed ?? done.thread?.events ?? 0;
const counter = (name: string): number =>
  done.report?.metrics.counters[name] ?? done.thread?.agg.counter(name) ?? 0;
const callbacks = counter('program_callbacks_total');
console.log(
  JSON.stringify({
    case: `thermostat-${kase}`,
    devices,
    hours,
    workers: inThread ? 'in-thread' : workers,
    events,
    callbacks,
    publishes: counter('mqtt_publish_total'),
    wallS: Number(wallS.toFixed(2)),
    cpuS: Number(cpuS.toFixed(2)),
    eventsPerSec: Math.round(events / wallS),
    callbacksPerSec: Math.round(callbacks / wallS),
    callbacksPerCpuSec: Math.round(callbacks / cpuS),
    peakRssMB: Math.round(peakRss / 1e6),
    bytesPerDevice: Math.round((peakRss - rssBefore) / devices),
    status: done.report?.status ?? 'in-thread',
    programErrors: counter('program_errors_total'),
  }),
);
