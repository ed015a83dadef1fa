// `target.limits` and `--resolve` for the live sides: one limiter shared by MQTT and HTTP
// (held operations counted as target_limit_delayed_total{limit}), the MQTT socket cap, and the
// options each side's transport takes.
import { C } from '../metrics/catalog.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { HttpTransportOptions } from '../transports/http/index.js';
import { TargetLimiter, type LimitName } from '../transports/limits/index.js';
import type { LiveContext } from './context.js';
import type { LiveMqttOptions } from './mqtt-side.js';

/** HTTP connections per origin when no limit says fewer (the client's default). */
const HTTP_CONNECTIONS = 64;

export interface LiveLimits {
  limiter: TargetLimiter | null;
  /** Device sockets at once: live.max-concurrent-connections, or fewer under limits.connections. */
  mqttMaxConcurrent: number;
  mqtt: Pick<LiveMqttOptions, 'pool' | 'limiter'>;
  http: Omit<HttpTransportOptions, 'baseUrl' | 'clock'>;
}

const COUNTER: Record<LimitName, number> = {
  connections: C['target_limit_delayed_total{limit="connections"}'],
  connect_rate: C['target_limit_delayed_total{limit="connect_rate"}'],
  publish_rate: C['target_limit_delayed_total{limit="publish_rate"}'],
  request_rate: C['target_limit_delayed_total{limit="request_rate"}'],
  bandwidth: C['target_limit_delayed_total{limit="bandwidth"}'],
};

/**
 * `subscribers`: the end-to-end subscriber's connections (one per broker), which count toward
 * limits.connections like the devices' sockets.
 */
export function liveLimits(
  s: ResolvedScenario,
  ctx: LiveContext,
  subscribers: number,
  /** Names the devices reach through fault proxies (src/live/proxied-targets.ts). */
  proxiedNames: Readonly<Record<string, string>> = {},
): LiveLimits {
  const l = s.target.limits;
  const resolve = { ...s.target.resolve, ...proxiedNames };
  const rated =
    l !== undefined &&
    (l.connectRatePerSec ?? l.publishRatePerSec ?? l.requestRatePerSec ?? l.bandwidthBytesPerSec) !== null;
  const limiter = rated
    ? new TargetLimiter({
        connectRatePerSec: l.connectRatePerSec,
        publishRatePerSec: l.publishRatePerSec,
        requestRatePerSec: l.requestRatePerSec,
        bandwidthBytesPerSec: l.bandwidthBytesPerSec,
        clock: () => ctx.clock.realNow(),
        onDelayed: (limit) => ctx.rec.add(COUNTER[limit]),
      })
    : null;
  const cap = l?.connections ?? null;
  const socketCap = cap === null ? Infinity : Math.max(1, cap - subscribers);
  const capBinds = socketCap < s.live.maxConcurrentConnections;
  const connectGate =
    limiter !== null && l?.connectRatePerSec != null
      ? (open: () => void) => limiter.after(limiter.connectWaitMs(), open)
      : undefined;
  return {
    limiter,
    mqttMaxConcurrent: Math.min(s.live.maxConcurrentConnections, socketCap),
    mqtt: {
      pool: { hostAddresses: resolve, ...(connectGate ? { connectGate } : {}) },
      limiter: {
        publishWaitMs: (bytes) => limiter?.publishWaitMs(bytes) ?? 0,
        connectionWaited: () => {
          if (capBinds) ctx.rec.add(COUNTER.connections);
        },
      },
    },
    http: {
      resolve,
      ...(limiter ? { limiter } : {}),
      ...(cap !== null ? { connectionsPerOrigin: Math.min(HTTP_CONNECTIONS, cap) } : {}),
    },
  };
}

/** The report's warning when target.limits held anything (null when nothing was held). */
export function limitsWarning(counter: (name: string) => number): string | null {
  const parts: string[] = [];
  let total = 0;
  for (const limit of Object.keys(COUNTER) as LimitName[]) {
    const n = counter(`target_limit_delayed_total{limit="${limit}"}`);
    if (n > 0) parts.push(`${limit} ${n}`);
    total += n;
  }
  if (total === 0) return null;
  return `target.limits held ${total} operations (${parts.join(', ')}): each kept its intended time, so the waits are in the latencies`;
}
