// The modelled backend's section → BackendModelConfig (rates per second, µs, bytes/s). Pure:
// a `from:` calibration file has already been merged in by backend-from.ts.
import { ToolError } from '../errors/tool-error.js';
import type { At } from './resolve-device.js';
import type { ScenarioParsed } from './schema.js';
import type { BackendModelConfig, BackendMqttConfig, ServiceModelConfig } from './types.js';
import {
  formatDurationUs,
  parseBandwidthBytesPerSec,
  parseDurationRangeUs,
  parseDurationUs,
  parseRatePerSec,
} from './units.js';

type BackendParsed = ScenarioParsed['backend'];
type LatencyParsed = BackendParsed['ingest']['latency'];

function invalid(message: string, where: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, { where, got, fix });
}

function positiveRate(value: string | number, where: string): number {
  const ratePerSec = parseRatePerSec(value, where);
  if (ratePerSec <= 0) throw invalid('rate must be positive', where, value, 'use e.g. `500/s`');
  return ratePerSec;
}

/** A range stays a range; `{ p50, p99 }` becomes a lognormal, shown as its p50..p99 span. */
export function resolveLatency(
  v: LatencyParsed,
  where: string,
): Pick<ServiceModelConfig, 'latencyUs' | 'latencyDistUs'> {
  if (typeof v === 'string') return { latencyUs: parseDurationRangeUs(v, where) };
  const p50 = parseDurationUs(v.p50, `${where}.p50`);
  const p99 = parseDurationUs(v.p99, `${where}.p99`);
  if (p50 <= 0 || p99 < p50)
    throw invalid(
      'service time needs 0 < p50 ≤ p99',
      where,
      `p50 ${formatDurationUs(p50)}, p99 ${formatDurationUs(p99)}`,
      'use e.g. `{ p50: 2ms, p99: 12ms }`',
    );
  return { latencyUs: { min: p50, max: p99 }, latencyDistUs: { p50, p99 } };
}

/** `shared:` → its model figures; only written when set, so other reports read as before. */
function sharedField(
  shared: BackendParsed['shared'],
  at: At,
): Pick<BackendModelConfig, 'shared'> | Record<string, never> {
  if (shared === undefined) return {};
  const ratePerSec = positiveRate(shared.connect.rate, at('backend.shared.connect.rate'));
  return {
    shared: {
      connect: {
        ratePerSec,
        burst: shared.connect.burst ?? Math.max(1, Math.ceil(ratePerSec)),
        queueLimit: shared.connect.queue,
      },
    },
  };
}

/** `mqtt:` → its model settings; only written when one is set, so other reports read as before. */
function mqttField(mqtt: BackendParsed['mqtt'], at: At): Pick<BackendModelConfig, 'mqtt'> {
  const takeover = mqtt?.['session-takeover'];
  const cfg: BackendMqttConfig = {
    ...(takeover === undefined
      ? {}
      : { sessionTakeover: resolveLatency(takeover, at('backend.mqtt.session-takeover')) }),
    ...(mqtt?.['track-in-flight'] === true ? { trackInFlight: true as const } : {}),
  };
  return Object.keys(cfg).length === 0 ? {} : { mqtt: cfg };
}

export function resolveBackend(b: BackendParsed, at: At): BackendModelConfig {
  const service = (s: BackendParsed['ingest'], path: string): ServiceModelConfig => ({
    ratePerSec: positiveRate(s.rate, at(`${path}.rate`)),
    queueLimit: s.queue,
    ...resolveLatency(s.latency, at(`${path}.latency`)),
  });
  const connect = service(b.connect, 'backend.connect');
  const bandwidth = parseBandwidthBytesPerSec(b.ota.bandwidth, at('backend.ota.bandwidth'));
  if (bandwidth <= 0)
    throw invalid(
      'bandwidth must be positive',
      at('backend.ota.bandwidth'),
      b.ota.bandwidth,
      'use e.g. `1Gbit/s`',
    );
  return {
    // Only written when set, so a scenario without it reports exactly as before.
    ...(b.brokers > 1 ? { brokers: b.brokers } : {}),
    connect: {
      ...connect,
      burst: b.connect.burst ?? Math.max(1, Math.ceil(connect.ratePerSec)),
      maxSessions: b.connect['max-sessions'],
    },
    ...sharedField(b.shared, at),
    ...mqttField(b.mqtt, at),
    ingest: service(b.ingest, 'backend.ingest'),
    checkin: service(b.checkin, 'backend.checkin'),
    fanout: service(b.fanout, 'backend.fanout'),
    registration: service(b.registration, 'backend.registration'),
    ota: { bandwidthBytesPerSec: bandwidth, maxConcurrentDownloads: b.ota['max-concurrent-downloads'] },
  };
}
