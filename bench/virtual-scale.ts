// bench/virtual-scale: the fleet core at scale. One case per process (clean peak RSS):
//   npx tsx bench/virtual-scale.ts --case telemetry|rollout|ten-million [--devices N] [--workers N]
// Prints one JSON line: events, wall seconds, events/s, peak RSS, bytes per device.
import { monotonicMs } from '../src/clock/real-clock.js';
import { runResolved } from '../src/app/run.js';
import { benchScenario } from './scenarios.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const kase = arg('case', 'telemetry');
const defaults: Record<string, { devices: number; duration: string; rollout: boolean }> = {
  telemetry: { devices: 1_000_000, duration: '24h', rollout: false },
  rollout: { devices: 1_000_000, duration: '24h', rollout: true },
  'ten-million': { devices: 10_000_000, duration: '1h', rollout: false },
};
const d = defaults[kase];
if (!d) throw new Error(`unknown case ${kase}`);
const devices = Number(arg('devices', String(d.devices)));
const workers = Number(arg('workers', '2'));
const s = await benchScenario({ devices, duration: d.duration, rollout: d.rollout, workers });
const rssBefore = process.memoryUsage().rss;
const t0 = monotonicMs();
const { report } = await runResolved(s, { noFiles: true });
const wallS = (monotonicMs() - t0) / 1000;
const peakRss = process.resourceUsage().maxRSS * 1024;
const events = report.run.eventsProcessed;
console.log(
  JSON.stringify({
    case: kase,
    devices,
    duration: d.duration,
    workers,
    events,
    wallS: Number(wallS.toFixed(2)),
    eventsPerSec: Math.round(events / wallS),
    peakRssMB: Math.round(peakRss / 1e6),
    bytesPerDevice: Math.round((peakRss - rssBefore) / devices),
    status: report.status,
    connectP99Ms: report.metrics.histograms.mqtt_connect_duration_us?.p99Us
      ? report.metrics.histograms.mqtt_connect_duration_us.p99Us / 1000
      : null,
    recoveryS:
      report.metrics.derived.fleet_recovery_duration_us !== null
        ? (report.metrics.derived.fleet_recovery_duration_us ?? 0) / 1e6
        : null,
    otaSucceeded: report.metrics.counters.ota_succeeded_total,
    otaBricked: report.metrics.counters.ota_bricked_total,
  }),
);
