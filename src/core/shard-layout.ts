// How the fleet is cut into shards, and the typed arrays one shard holds. The number of shards
// depends only on the fleet size (never on the worker count), so every device lives in the same
// shard, with the same backend-capacity share, whatever --workers says: that is what makes the
// report identical across worker counts.
import { queueLayout } from './calendar-queue.js';
import type { Views } from './soa.js';
import { CONN_STATES, OTA_STATES } from '../metrics/catalog.js';
import { SITE_STAT } from '../topology/site-stat.js';

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
  /** Each modelled queue keeps two slots: backlog (µs of work) and the time it was last drained. */
  connectQueue: 0,
  ingestQueue: 2,
  checkinQueue: 4,
  sessions: 6,
  activeDownloads: 7,
  eventsProcessed: 8,
  /** Broker fan-out of operator commands (backlog, last drained), like the queues above. */
  fanoutQueue: 10,
  connCounts: 12,
  otaCounts: 12 + CONN_STATES.length,
  /** The registration API's queue (backlog, last drained), like the queues above. */
  registrationQueue: 12 + CONN_STATES.length + OTA_STATES.length,
  /** Connect work of this window that stands for itself alone (src/backend-model/queue-pooling.ts). */
  connectOwn: 14 + CONN_STATES.length + OTA_STATES.length,
  size: 15 + CONN_STATES.length + OTA_STATES.length,
} as const;

/** Events kept per device for the outcome trail (only allocated when a rollout exists). */
export const TRAIL_SLOTS = 8;

/**
 * @param withCommands some device type answers commands: the per-device command slots
 * (src/device/commands.ts) and telemetry-interval scale exist; otherwise they are empty views.
 * @param withSchedules some device type buffers offline readings or aligns them to its clock:
 * the per-device reading, buffer and clock slots exist (src/device/telemetry-buffer.ts).
 * @param sites the shard's sites (src/topology): the per-site slots and the per-device outage mark.
 * @param withSiteLink the sites' link has a bandwidth: each download's own cap is kept for re-rating.
 * @param withCohorts the run compares cohorts: the per-device coh* tallies exist (src/cohorts).
 */
export function shardLayout(
  n: number,
  withTrail: boolean,
  withCommands = false,
  withSchedules = false,
  sites = 0,
  withSiteLink = false,
  withCohorts = false,
) {
  const k = withCohorts ? n : 0;
  const t = withTrail ? n * TRAIL_SLOTS : 0;
  const c = withCommands ? n : 0;
  const b = withSchedules ? n : 0;
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
    /** Lifecycle: registration state, decommissioned (src/device/provision.ts LIFE). */
    life: { kind: 'u8', length: n },
    /** 1 once the modelled broker holds a kept session of the device (virtual mode). */
    kept: { kind: 'u8', length: n },
    trailAt: { kind: 'f64', length: t },
    trailCode: { kind: 'u8', length: t },
    trailLen: { kind: 'u8', length: withTrail ? n : 0 },
    /** Command slot: next event, the operator's intended publish time, when the device got it. */
    cmdDue: { kind: 'f64', length: c },
    cmdAt: { kind: 'f64', length: c },
    cmdRecvAt: { kind: 'f64', length: c },
    /** Telemetry intervals × this (a telemetry-interval command); 0 = as the type says. */
    telemScale: { kind: 'f64', length: c },
    /** Operation of the command in the slot + 1 (0: none), and the next operation to look at. */
    cmdOp: { kind: 'i32', length: c },
    cmdNext: { kind: 'i32', length: c },
    cmdStage: { kind: 'u8', length: c },
    /** The device's next reading (taken whether connected or not); 0: none yet. */
    readAt: { kind: 'f64', length: b },
    /** Readings in the offline buffer, and when the next one is flushed (Infinity: not flushing). */
    bufCount: { kind: 'u32', length: b },
    flushDue: { kind: 'f64', length: b },
    /** The device clock's rate (1 ± drift), drawn once; 0 when the type's clock is exact. */
    clockRate: { kind: 'f64', length: b },
    /** Per site of the shard: SITE_STAT slots. */
    siteStat: { kind: 'f64', length: sites * SITE_STAT.width },
    /** 1: online when its site's outage began and not connected since (recovery pending). */
    siteMark: { kind: 'u8', length: sites > 0 ? n : 0 },
    /** The download's own rate cap (radio, server share) in bytes/µs, under the site link's share. */
    dlCap: { kind: 'f64', length: withSiteLink ? n : 0 },
    /** Cohort tallies (src/cohorts/track.ts): power-on time, charge put in, and what happened. */
    cohOnAt: { kind: 'f64', length: k },
    cohCharge: { kind: 'f64', length: k },
    cohPub: { kind: 'u32', length: k },
    cohFail: { kind: 'u32', length: k },
    cohRecon: { kind: 'u32', length: k },
    cohOta: { kind: 'u32', length: k },
    cohLost: { kind: 'u8', length: k },
    /** The tallies when the firmware last changed, and the version before (255: never changed). */
    cohFwPrev: { kind: 'u8', length: k },
    cohChgAt: { kind: 'f64', length: k },
    cohChgDrained: { kind: 'f64', length: k },
    cohChgPub: { kind: 'u32', length: k },
    cohChgFail: { kind: 'u32', length: k },
    cohChgRecon: { kind: 'u32', length: k },
    cohChgOta: { kind: 'u32', length: k },
  } as const;
}

export type ShardLayout = ReturnType<typeof shardLayout>;

/**
 * The shard's views as a class with fixed fields: every shard's object then shares one hidden
 * class, so the fleet core's property reads stay monomorphic (a record filled with computed
 * keys would be a hash table, one shape per shard).
 */
export class ShardArrays {
  readonly nodeTime: Float64Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly meta: Float64Array;
  readonly connDue: Float64Array;
  readonly otaDue: Float64Array;
  readonly battAt: Float64Array;
  readonly reqAt: Float64Array;
  readonly otaOfferAt: Float64Array;
  readonly dlStartAt: Float64Array;
  readonly dlBytes: Float64Array;
  readonly dlSegAt: Float64Array;
  readonly dlRate: Float64Array;
  readonly otaAux: Float64Array;
  readonly backoffPrevUs: Float64Array;
  readonly otaBackoffPrevUs: Float64Array;
  readonly batt: Float64Array;
  readonly rng: Uint32Array;
  readonly type: Uint8Array;
  readonly conn: Uint8Array;
  readonly ota: Uint8Array;
  readonly attempt: Uint8Array;
  readonly otaAttempt: Uint8Array;
  readonly fw: Uint8Array;
  readonly pend: Uint8Array;
  readonly flags: Uint8Array;
  readonly otaPend: Uint8Array;
  readonly life: Uint8Array;
  readonly kept: Uint8Array;
  readonly trailAt: Float64Array;
  readonly trailCode: Uint8Array;
  readonly trailLen: Uint8Array;
  readonly cmdDue: Float64Array;
  readonly cmdAt: Float64Array;
  readonly cmdRecvAt: Float64Array;
  readonly telemScale: Float64Array;
  readonly cmdOp: Int32Array;
  readonly cmdNext: Int32Array;
  readonly cmdStage: Uint8Array;
  readonly readAt: Float64Array;
  readonly bufCount: Uint32Array;
  readonly flushDue: Float64Array;
  readonly clockRate: Float64Array;
  readonly siteStat: Float64Array;
  readonly siteMark: Uint8Array;
  readonly dlCap: Float64Array;
  readonly cohOnAt: Float64Array;
  readonly cohCharge: Float64Array;
  readonly cohPub: Uint32Array;
  readonly cohFail: Uint32Array;
  readonly cohRecon: Uint32Array;
  readonly cohOta: Uint32Array;
  readonly cohLost: Uint8Array;
  readonly cohFwPrev: Uint8Array;
  readonly cohChgAt: Float64Array;
  readonly cohChgDrained: Float64Array;
  readonly cohChgPub: Uint32Array;
  readonly cohChgFail: Uint32Array;
  readonly cohChgRecon: Uint32Array;
  readonly cohChgOta: Uint32Array;

  constructor(v: Views<ShardLayout>) {
    this.nodeTime = v.nodeTime;
    this.next = v.next;
    this.prev = v.prev;
    this.head = v.head;
    this.tail = v.tail;
    this.meta = v.meta;
    this.connDue = v.connDue;
    this.otaDue = v.otaDue;
    this.battAt = v.battAt;
    this.reqAt = v.reqAt;
    this.otaOfferAt = v.otaOfferAt;
    this.dlStartAt = v.dlStartAt;
    this.dlBytes = v.dlBytes;
    this.dlSegAt = v.dlSegAt;
    this.dlRate = v.dlRate;
    this.otaAux = v.otaAux;
    this.backoffPrevUs = v.backoffPrevUs;
    this.otaBackoffPrevUs = v.otaBackoffPrevUs;
    this.batt = v.batt;
    this.rng = v.rng;
    this.type = v.type;
    this.conn = v.conn;
    this.ota = v.ota;
    this.attempt = v.attempt;
    this.otaAttempt = v.otaAttempt;
    this.fw = v.fw;
    this.pend = v.pend;
    this.flags = v.flags;
    this.otaPend = v.otaPend;
    this.life = v.life;
    this.kept = v.kept;
    this.trailAt = v.trailAt;
    this.trailCode = v.trailCode;
    this.trailLen = v.trailLen;
    this.cmdDue = v.cmdDue;
    this.cmdAt = v.cmdAt;
    this.cmdRecvAt = v.cmdRecvAt;
    this.telemScale = v.telemScale;
    this.cmdOp = v.cmdOp;
    this.cmdNext = v.cmdNext;
    this.cmdStage = v.cmdStage;
    this.readAt = v.readAt;
    this.bufCount = v.bufCount;
    this.flushDue = v.flushDue;
    this.clockRate = v.clockRate;
    this.siteStat = v.siteStat;
    this.siteMark = v.siteMark;
    this.dlCap = v.dlCap;
    this.cohOnAt = v.cohOnAt;
    this.cohCharge = v.cohCharge;
    this.cohPub = v.cohPub;
    this.cohFail = v.cohFail;
    this.cohRecon = v.cohRecon;
    this.cohOta = v.cohOta;
    this.cohLost = v.cohLost;
    this.cohFwPrev = v.cohFwPrev;
    this.cohChgAt = v.cohChgAt;
    this.cohChgDrained = v.cohChgDrained;
    this.cohChgPub = v.cohChgPub;
    this.cohChgFail = v.cohChgFail;
    this.cohChgRecon = v.cohChgRecon;
    this.cohChgOta = v.cohChgOta;
  }
}

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
export const PEND = {
  ok: 0,
  rejected: 1,
  maxSessions: 2,
  timeout: 3,
  outage: 4,
  lost: 5,
  // Live mode only: the real reason of a refused or failed connect (src/live/connect-reason.ts).
  notAuthorized: 6,
  badCredentials: 7,
  serverUnavailable: 8,
  badClientId: 9,
  unsupportedProtocol: 10,
  banned: 11,
  serverBusy: 12,
  quotaExceeded: 13,
  connectionRateExceeded: 14,
  tls: 15,
  connectionRefused: 16,
  connectionClosed: 17,
  network: 18,
} as const;
export type PendCode = (typeof PEND)[keyof typeof PEND];

/** What a pending OTA event means when it fires (otaPend). */
export const OTA_PEND = { none: 0, done: 1, drop: 2, powerLoss: 3, flat: 4, busy: 5 } as const;
