// `--devices N`: scale the fleet groups to N devices in proportion, by the largest-remainder
// method (Hamilton), in integer arithmetic so the split is exact and the same on every machine.
import type { BackendModelConfig, FleetGroup, ResolvedScenario } from './types.js';

/** Splits `total` over `weights` in proportion; ties in the remainder go to the earlier group. */
export function largestRemainder(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const shares = weights.map((w, index) => {
    // total × w can exceed 2^53 only past ~9e15 device-weights; BigInt keeps it exact anyway.
    const product = BigInt(total) * BigInt(w);
    return { index, quota: Number(product / BigInt(sum)), remainder: Number(product % BigInt(sum)) };
  });
  let left = total - shares.reduce((a, s) => a + s.quota, 0);
  const order = [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const s of order) {
    if (left <= 0) break;
    s.quota += 1;
    left -= 1;
  }
  return shares.map((s) => s.quota);
}

/** The fleet scaled to `total` devices; groups that end up empty are dropped. */
export function scaleFleet(fleet: readonly FleetGroup[], total: number): FleetGroup[] {
  const counts = largestRemainder(
    fleet.map((g) => g.count),
    total,
  );
  return fleet.map((g, i) => ({ ...g, count: counts[i] ?? 0 })).filter((g) => g.count > 0);
}

export function fleetSize(fleet: readonly FleetGroup[]): number {
  return fleet.reduce((a, g) => a + g.count, 0);
}

/** A capacity or count times `factor`, never below 1 (a backend that accepts nothing is no model). */
function times(value: number, factor: number): number {
  return Number.isFinite(value) ? Math.max(1, Math.round(value * factor)) : value;
}

function scaleBackendModel(b: BackendModelConfig, f: number): BackendModelConfig {
  return {
    ...b, // brokers, calibration: a miniature has as many brokers, each scaled
    connect: {
      ...b.connect,
      ratePerSec: times(b.connect.ratePerSec, f),
      burst: times(b.connect.burst, f),
      queueLimit: times(b.connect.queueLimit, f),
      maxSessions: times(b.connect.maxSessions, f),
    },
    ingest: {
      ...b.ingest,
      ratePerSec: times(b.ingest.ratePerSec, f),
      queueLimit: times(b.ingest.queueLimit, f),
    },
    checkin: {
      ...b.checkin,
      ratePerSec: times(b.checkin.ratePerSec, f),
      queueLimit: times(b.checkin.queueLimit, f),
    },
    fanout: {
      ...b.fanout,
      ratePerSec: times(b.fanout.ratePerSec, f),
      queueLimit: times(b.fanout.queueLimit, f),
    },
    ...(b.shared && {
      shared: {
        connect: {
          ratePerSec: times(b.shared.connect.ratePerSec, f),
          burst: times(b.shared.connect.burst, f),
          queueLimit: times(b.shared.connect.queueLimit, f),
        },
      },
    }),
    ...(b.registration && {
      registration: {
        ...b.registration,
        ratePerSec: times(b.registration.ratePerSec, f),
        queueLimit: times(b.registration.queueLimit, f),
      },
    }),
    ota: {
      bandwidthBytesPerSec: times(b.ota.bandwidthBytesPerSec, f),
      maxConcurrentDownloads: times(b.ota.maxConcurrentDownloads, f),
    },
  };
}

/**
 * `scale-backend`: a resized fleet as a miniature (or enlargement) of the scenario. The modelled
 * backend's capacity (rates, bursts, queues, sessions, OTA bandwidth and slots) and the absolute
 * counts (fault `who.count`, count waves, the campaign download cap) are multiplied by
 * new size / scenario size, so load relative to capacity keeps its shape. Latencies, shares and
 * threshold or `when` expressions are left as written.
 */
export function scaleAbsolute(s: ResolvedScenario, fromDevices: number): ResolvedScenario {
  const f = fleetSize(s.fleet) / fromDevices;
  const rollout = s.rollout && {
    ...s.rollout,
    waves: s.rollout.waves.map((w) => (w.count === null ? w : { ...w, count: times(w.count, f) })),
    maxConcurrentDownloads:
      s.rollout.maxConcurrentDownloads === null ? null : times(s.rollout.maxConcurrentDownloads, f),
  };
  const faults = s.faults.map((x) =>
    x.who.count === null ? x : { ...x, who: { ...x.who, count: times(x.who.count, f) } },
  );
  return { ...s, backend: scaleBackendModel(s.backend, f), rollout, faults };
}
