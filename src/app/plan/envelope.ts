// The offered-load envelope: from the per-interval series of a virtual run, the peak of each load
// a live run would put on its target (concurrent connections, connects, publishes, HTTP requests
// and bytes per real second) and when it happens. Pure.
import type { Report } from '../../reports/report-types.js';
import type { ResolvedScenario } from '../../scenario/types.js';

export const LOADS = [
  'connections',
  'connectsPerSec',
  'publishesPerSec',
  'requestsPerSec',
  'bytesPerSec',
] as const;
export type LoadName = (typeof LOADS)[number];

export interface Peak {
  value: number;
  /** Start of the interval it happens in (virtual µs since the run began). */
  atUs: number;
  /** The same moment in real seconds of a live run (virtual ÷ speed). */
  atRealSec: number;
}

export interface Envelope {
  /** Real seconds per interval of the series the peaks come from. */
  resolutionRealSec: number;
  resolutionUs: number;
  /** Speed used to turn virtual time into real time (1 when the scenario says `max`). */
  speed: number;
  peaks: Record<LoadName, Peak>;
  totals: { connects: number; publishes: number; requests: number; bytes: number };
  /** Mean bytes on the wire per publish (payload + topic + header), estimated from the device types. */
  publishBytes: number;
}

/** Topic (`fleetstorm/<run>/telemetry/<broker>/<id>`), fixed header, length and packet id. */
const PUBLISH_OVERHEAD_BYTES = 48;

/** Mean publish size over the fleet, weighted by each group's publishes per unit of time. */
export function meanPublishBytes(s: ResolvedScenario): number {
  let weight = 0;
  let bytes = 0;
  for (const g of s.fleet) {
    for (const t of s.deviceTypes[g.device]?.telemetry.streams ?? []) {
      if (!(t.intervalUs > 0)) continue;
      const w = g.count / t.intervalUs;
      weight += w;
      bytes += w * ((t.payloadBytes.min + t.payloadBytes.max) / 2 + PUBLISH_OVERHEAD_BYTES);
    }
  }
  return weight > 0 ? bytes / weight : PUBLISH_OVERHEAD_BYTES;
}

type Series = Report['series'];

function column(series: Series, name: string): number[] {
  return series.counters[name] ?? series.timesUs.map(() => 0);
}

/** Per-interval load, as amounts per real second (connections: a level, not a rate). */
function perInterval(series: Series, publishBytes: number): Record<LoadName, number[]> {
  const connected = series.connStates.connected ?? [];
  const connecting = series.connStates.connecting ?? [];
  const connects = column(series, 'mqtt_connect_attempts_total');
  const publishes = column(series, 'mqtt_publish_total');
  const checkins = column(series, 'http_checkin_total');
  const downloads = column(series, 'ota_download_started_total');
  const dlBytes = column(series, 'ota_downloaded_bytes_total');
  return {
    connections: series.timesUs.map((_, i) => (connected[i] ?? 0) + (connecting[i] ?? 0)),
    connectsPerSec: connects,
    publishesPerSec: publishes,
    requestsPerSec: checkins.map((c, i) => c + (downloads[i] ?? 0)),
    bytesPerSec: publishes.map((p, i) => p * publishBytes + (dlBytes[i] ?? 0)),
  };
}

export function envelopeOf(series: Series, speed: number, publishBytes: number): Envelope {
  const k = Number.isFinite(speed) && speed > 0 ? speed : 1;
  const times = series.timesUs;
  const loads = perInterval(series, publishBytes);
  const peaks = {} as Record<LoadName, Peak>;
  for (const name of LOADS) {
    let best: Peak = { value: 0, atUs: 0, atRealSec: 0 };
    loads[name].forEach((amount, i) => {
      const startUs = i === 0 ? 0 : (times[i - 1] as number);
      const realSec = ((times[i] as number) - startUs) / k / 1e6;
      const value = name === 'connections' ? amount : realSec > 0 ? amount / realSec : 0;
      if (value > best.value) best = { value, atUs: startUs, atRealSec: startUs / k / 1e6 };
    });
    peaks[name] = best;
  }
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const first = times[0] ?? 0;
  return {
    resolutionUs: first,
    resolutionRealSec: first / k / 1e6,
    speed: k,
    peaks,
    totals: {
      connects: sum(column(series, 'mqtt_connect_attempts_total')),
      publishes: sum(column(series, 'mqtt_publish_total')),
      requests: sum(column(series, 'http_checkin_total')) + sum(column(series, 'ota_download_started_total')),
      bytes:
        sum(column(series, 'mqtt_publish_total')) * publishBytes +
        sum(column(series, 'ota_downloaded_bytes_total')),
    },
    publishBytes,
  };
}
