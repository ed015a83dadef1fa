// How the fleet is cut into shards, and the typed arrays one shard holds. The number of shards
// depends only on the fleet size (never on the worker count), so every device lives in the same
// shard, with the same backend-capacity share, whatever --workers says: that is what makes the
// report identical across worker counts.
import { queueLayout } from './calendar-queue.js';
import { CONN_STATES, OTA_STATES } from '../metrics/catalog.js';

export const MAX_SHARDS = 64;
const DEVICES_PER_SHARD_MIN = 2048;

export function shardCountFor(devices: number): number {
  return Math.max(1, Math.min(MAX_SHARDS, Math.ceil(devices / DEVICES_PER_SHARD_MIN)));
}

/** Devices are dealt round-robin: global id g lives in shard g % S at local index ⌊g / S⌋. */
export function shardSize(devices: number, shards: number, shard: number): number {
  return shard >= devices ? 0 : Math.floor((devices - 1 - shard) / shards) + 1;
}

export function globalId(local: number, shards: number, shard: number): number {
  return local * shards + shard;
}

/** Scalar slots of a shard's `meta` array (backend model state and state counters). */
export const META = {
  connectTat: 0,
  ingestTat: 1,
  checkinTat: 2,
  sessions: 3,
  activeDownloads: 4,
  eventsProcessed: 5,
  connCounts: 8,
  otaCounts: 8 + CONN_STATES.length,
  size: 8 + CONN_STATES.length + OTA_STATES.length,
} as const;

/** Events kept per device for the outcome trail (only allocated when a rollout exists). */
export const TRAIL_SLOTS = 8;

export function shardLayout(n: number, withTrail: boolean) {
  const t = withTrail ? n * TRAIL_SLOTS : 0;
  return {
    ...queueLayout(n),
    meta: { kind: 'f64', length: META.size },
    connDue: { kind: 'f64', length: n },
    otaDue: { kind: 'f64', length: n },
    battAt: { kind: 'f64', length: n },
    reqAt: { kind: 'f64', length: n },
    otaOfferAt: { kind: 'f64', length: n },
    dlStartAt: { kind: 'f64', length: n },
    dlBytes: { kind: 'f64', length: n },
    /** Current download segment: when it started and its rate in bytes/µs. */
    dlSegAt: { kind: 'f64', length: n },
    dlRate: { kind: 'f64', length: n },
    /** OTA scratch: power-loss outage length, or radio-drop length, for the pending event. */
    otaAux: { kind: 'f64', length: n },
    backoffPrevUs: { kind: 'f64', length: n },
    otaBackoffPrevUs: { kind: 'f64', length: n },
    batt: { kind: 'f64', length: n },
    rng: { kind: 'u32', length: n },
    type: { kind: 'u8', length: n },
    conn: { kind: 'u8', length: n },
    ota: { kind: 'u8', length: n },
    attempt: { kind: 'u8', length: n },
    otaAttempt: { kind: 'u8', length: n },
    fw: { kind: 'u8', length: n },
    pend: { kind: 'u8', length: n },
    flags: { kind: 'u8', length: n },
    otaPend: { kind: 'u8', length: n },
    trailAt: { kind: 'f64', length: t },
    trailCode: { kind: 'u8', length: t },
    trailLen: { kind: 'u8', length: withTrail ? n : 0 },
  } as const;
}

export type ShardLayout = ReturnType<typeof shardLayout>;

/** Bits of `flags`. */
export const FLAG = {
  /** Connected when the last outage began; cleared when it reconnects. */
  outageTracked: 1,
  /** Selected by the rollout's selector. */
  targeted: 2,
  /** Offered the update (counted once). */
  offered: 4,
  /** The downloaded image is corrupt (a corrupt-image fault hit it). */
  corrupt: 8,
  /** The device's clock is skewed (clock-skew fault). */
  skewed: 16,
  /** Connection is half-open (half-open fault): publishes vanish until keepalive expiry. */
  halfOpen: 32,
  /** Finished the rollout (committed, rolled back for good, bricked or gave up). */
  otaDone: 64,
  /** Radio degraded (radio-degrade fault): extra latency and loss, lower bandwidth. */
  degraded: 128,
} as const;

/** Pending result of a connect attempt, applied when the CONNACK (or timeout) arrives. */
export const PEND = { ok: 0, rejected: 1, maxSessions: 2, timeout: 3, outage: 4, lost: 5 } as const;

/** What a pending OTA event means when it fires (otaPend). */
export const OTA_PEND = { none: 0, done: 1, drop: 2, powerLoss: 3, flat: 4, busy: 5 } as const;
