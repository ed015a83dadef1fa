// npm run bench: every benchmark, each case in its own process (clean peak RSS), printed side
// by side with its baseline and the targets. Record the output in BENCHMARKS.md.
//   npm run bench                 all cases
//   npm run bench -- virtual      only the virtual-mode cases
//   npm run bench -- programs     only the device-program cases (bench/programs.ts)
//   npm run bench -- tls          only the TLS connect cases (bench/live-tls.ts)
//   npm run bench -- report       only the report renderers with 1M fault firings
//   npm run bench -- calibration  calibrated prediction vs live, mosquitto, 3,000 devices (not in the default run)
//   npm run bench -- calibration-full   every broker shape at 40,000 devices live (tens of minutes)
import { spawnSync } from 'node:child_process';

interface Row {
  [k: string]: unknown;
}

function run(script: string, args: string[]): Row {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (r.status !== 0 || !line)
    throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}`);
  return JSON.parse(line) as Row;
}

const only = process.argv[2];
const results: Row[] = [];
if (!only || only === 'virtual') {
  const tele = run('bench/virtual-scale.ts', ['--case', 'telemetry']);
  const roll = run('bench/virtual-scale.ts', ['--case', 'rollout']);
  const ten = run('bench/virtual-scale.ts', ['--case', 'ten-million']);
  const base = run('bench/baseline-fake-timers.ts', ['--devices', '100000', '--hours', '6']);
  results.push(tele, roll, ten, base);
  const ratio = Number(tele.eventsPerSec) / Number(base.eventsPerSec);
  console.log('\nvirtual mode (2 workers)');
  console.log('case               devices     events       wall s   events/s    peak RSS  B/device');
  for (const r of [tele, roll, ten, base]) {
    console.log(
      `${String(r.case).padEnd(18)} ${String(r.devices).padStart(9)} ${String(r.events).padStart(11)} ${String(r.wallS).padStart(9)} ${String(r.eventsPerSec).padStart(10)} ${String(r.peakRssMB).padStart(8)}MB ${String(r.bytesPerDevice ?? '-').padStart(8)}`,
    );
  }
  console.log(`fleet core vs one fake-timers timer per device: ${ratio.toFixed(1)}× the events/s`);
  console.log(
    `rollout+faults wall / telemetry wall: ${(Number(roll.wallS) / Number(tele.wallS)).toFixed(2)} (target <= 2)`,
  );
  console.log(
    `targets: >= 5M events/s: ${Number(tele.eventsPerSec) >= 5e6 ? 'met' : 'NOT met'}; 1M x 24h < 60 s: ${Number(tele.wallS) < 60 ? 'met' : 'NOT met'}; peak RSS <= 1 GB: ${Number(tele.peakRssMB) <= 1000 && Number(roll.peakRssMB) <= 1000 ? 'met' : 'NOT met'}`,
  );
}
if (!only || only === 'programs') {
  // 100k thermostats x 24 h; the per-device fake-timers baselines run the same 100k devices for
  // 2 virtual hours (a day of 100k fake clocks takes minutes and 1 GB): their rates are per second.
  // exact: the clocks advanced in global time order (what a fleet sharing a backend needs, and
  // what the engine does): the like-for-like baseline. step-300s: 5-minute lock steps, which
  // batch five readings per tick and deliver a step's publishes out of order: the program logic
  // almost bare, for reference.
  const builtin = run('bench/programs.ts', ['--case', 'builtin']);
  const prog = run('bench/programs.ts', ['--case', 'program']);
  const fakeArgs = ['--devices', '100000', '--hours', '2'];
  const fake = run('bench/baseline-program-fake-timers.ts', [...fakeArgs, '--order', 'exact']);
  const fakeStep = run('bench/baseline-program-fake-timers.ts', fakeArgs);
  results.push(builtin, prog, fake, fakeStep);
  console.log('\ndevice programs (bench/programs.ts, 2 workers; baselines single-threaded)');
  console.log(
    'case                   devices  hours      events  callbacks   wall s   events/s callbacks/s  peak RSS  B/device',
  );
  for (const r of [builtin, prog, fake, fakeStep]) {
    console.log(
      `${String(r.case).padEnd(21)} ${String(r.devices).padStart(8)} ${String(r.hours).padStart(6)} ${String(r.events).padStart(11)} ${String(r.callbacks).padStart(10)} ${String(r.wallS).padStart(8)} ${String(r.eventsPerSec).padStart(10)} ${String(r.callbacksPerSec).padStart(11)} ${String(r.peakRssMB).padStart(7)}MB ${String(r.bytesPerDevice).padStart(8)}`,
    );
  }
  const perSec = Number(prog.callbacksPerSec);
  const vsFake = perSec / Number(fake.callbacksPerSec);
  const perCpu = (r: Record<string, unknown>): string =>
    `${r.case} ${r.callbacksPerCpuSec} (cpu ${r.cpuS} s, ${(Number(prog.callbacksPerCpuSec) / Number(r.callbacksPerCpuSec)).toFixed(1)}x)`;
  console.log(
    `callbacks per CPU second: program ${prog.callbacksPerCpuSec} (cpu ${prog.cpuS} s); ${perCpu(fake)}; ${perCpu(fakeStep)}`,
  );
  const extraB = Number(prog.bytesPerDevice) - Number(builtin.bytesPerDevice);
  console.log(
    `targets: >= 1M program callbacks/s: ${perSec >= 1e6 ? 'met' : 'NOT met'} (${perSec}); >= 10x fake timers per device (exact order, wall): ${vsFake >= 10 ? 'met' : 'NOT met'} (${vsFake.toFixed(1)}x); <= 2 KB/device beyond built-in: ${extraB <= 2048 ? 'met' : 'NOT met'} (${extraB} B)`,
  );
}
if (!only || only === 'live') {
  const live = run('bench/live-mqtt.ts', []);
  results.push(live);
  console.log('\nlive mode');
  console.log(JSON.stringify(live, null, 2));
}
if (!only || only === 'live' || only === 'tls') {
  const tlsRow = run('bench/live-tls.ts', []);
  results.push(tlsRow);
  console.log('\nlive mode over TLS (bench/live-tls.ts)');
  console.log(JSON.stringify(tlsRow, null, 2));
}
if (!only || only === 'report') {
  const rows = [100_000, 1_000_000].map((n) => run('bench/report-firings.ts', ['--firings', String(n)]));
  results.push(...rows);
  console.log('\nreport steps with many fault firings (bench/report-firings.ts)');
  console.log('firings    json ms  read ms  html ms  summary ms  junit ms  peak RSS');
  for (const r of rows) {
    console.log(
      `${String(r.firings).padStart(9)} ${String(r.jsonMs).padStart(8)} ${String(r.readMs).padStart(8)} ${String(r.htmlMs).padStart(8)} ${String(r.summaryMs).padStart(11)} ${String(r.junitMs).padStart(9)} ${String(r.peakRssMB).padStart(7)}MB`,
    );
  }
}
if (only === 'calibration' || only === 'calibration-full') {
  const args =
    only === 'calibration' ? ['--shape', 'mosquitto', '--devices', '3000'] : ['--devices', '40000'];
  const row = run('bench/calibration.ts', args);
  results.push(row);
  console.log('\ncalibrated prediction vs live (bench/calibration.ts): worst |error| % per figure');
  console.log(JSON.stringify(row.worstAbsErrorPct));
}
console.log('\nraw:');
for (const r of results) console.log(JSON.stringify(r));
