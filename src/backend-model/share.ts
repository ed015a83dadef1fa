// The slice of the modelled backend's capacity one shard owns. Capacity is shared out evenly
// over shards (rates, burst, queue bounds, sessions, OTA bandwidth, the brokers' shared connect
// capacity), which keeps shards independent between barriers. With ≥ 2k devices per shard the
// aggregate behaviour matches one shared queue closely: see docs/virtual-mode.md.
import type { BackendModelConfig } from '../scenario/types.js';
import { takeoverShare, type TakeoverShare } from './session-takeover.js';
import { inFlightShare, type InFlightShare } from './in-flight.js';

export interface QueueShare {
  /** The work one request adds to the share's backlog: it stands for every shard's (parts × the broker's period). */
  periodUs: number;
  /**
   * The broker's own period: the work of a request that stands for itself alone (a connect its
   * site's outage brought back, which no other shard mirrors: src/backend-model/queue-pooling.ts).
   */
  brokerPeriodUs: number;
  tauUs: number;
  maxWaitUs: number;
  latMinUs: number;
  latMaxUs: number;
  /** Lognormal service time: ln of the median and the shape; sigma 0 = uniform over latMin..latMax. */
  logMu: number;
  logSigma: number;
  /** The mean service time, for requests that draw nothing (fixed latency). */
  meanUs: number;
}

/**
 * Several brokers (`backend.brokers`), each with its own connect, ingest and fan-out queues and
 * sessions; device i talks to broker i mod count. State per broker, BROKER_SLOTS numbers each.
 */
export interface BrokerSet {
  count: number;
  state: Float64Array;
}

export interface ModelShare {
  connect: QueueShare;
  maxSessions: number;
  ingest: QueueShare;
  checkin: QueueShare;
  /** Delivery of operator commands to device sessions. */
  fanout: QueueShare;
  /** Registration (provisioning) API. */
  registration: QueueShare;
  otaBandwidthBytesPerSec: number;
  otaMaxConcurrent: number;
  /** null: one broker, its state in the shard's META slots (as before brokers existed). */
  brokers: BrokerSet | null;
  /** `backend.mqtt.track-in-flight`: publishes held for reconnects; null (or absent) when off. */
  inFlight?: InFlightShare | null;
  /** `backend.mqtt.session-takeover`; null (or absent) when the scenario sets none. */
  takeover?: TakeoverShare | null;
  /** The shard's share of the connect capacity all brokers share; null: independent brokers. */
  shared: SharedShare | null;
}

/** A queue every broker's connects also pass (`backend.shared.connect`), its state (SHARED_SLOTS). */
export interface SharedShare {
  connect: QueueShare;
  state: Float64Array;
}

/**
 * Per broker: connect, ingest and fan-out queues (2 slots each), sessions, down (1 = outage), and
 * the connect work of this window that stands for itself alone (src/backend-model/queue-pooling.ts).
 */
export const BROKER = { connect: 0, ingest: 2, fanout: 4, sessions: 6, down: 7, connectOwn: 8 } as const;
export const BROKER_SLOTS = 9;

/** The shared connect queue's state: backlog, last drained, and its own work like BROKER.connectOwn. */
export const SHARED_SLOTS = 3;
export const SHARED_OWN = 2;

/** z of the standard normal's 99th percentile. */
const Z99 = 2.3263478740408408;

/** Splits an integer total over `parts`, the first `total % parts` parts getting one more. */
export function splitInt(total: number, parts: number, index: number): number {
  if (!Number.isFinite(total)) return total;
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

function queue(
  ratePerSec: number,
  burst: number,
  queueLimit: number,
  lat: { min: number; max: number },
  parts: number,
  dist?: { p50: number; p99: number },
): QueueShare {
  const rate = ratePerSec / parts;
  const periodUs = rate > 0 ? 1e6 / rate : Infinity;
  const queueShare = Math.max(1, queueLimit / parts);
  return {
    periodUs,
    brokerPeriodUs: ratePerSec > 0 ? 1e6 / ratePerSec : Infinity,
    tauUs: burstToleranceUs(ratePerSec, burst),
    maxWaitUs: queueShare * periodUs,
    latMinUs: lat.min,
    latMaxUs: lat.max,
    ...serviceTime(lat, dist),
  };
}

/**
 * The burst tolerance of a share, in µs: the whole broker's, (burst − 1) of its own periods, not
 * a share of the burst in the share's (parts × longer) periods. A share's backlog, in µs, is an
 * estimate of the broker's (its requests stand for the other shards' too: each adds parts ×
 * the broker's period), so a request waits for what exceeds the broker's tolerance. Splitting
 * the burst instead rounded it to nothing once the shards outnumbered it (16 over 25 shards):
 * two connects close together in one shard then waited a whole share period (62.5 ms at
 * 400/s), where the live broker answered both at once (docs/virtual-mode.md).
 */
function burstToleranceUs(ratePerSec: number, burst: number): number {
  return ratePerSec > 0 ? (Math.max(1, burst) - 1) * (1e6 / ratePerSec) : 0;
}

export function serviceTime(lat: { min: number; max: number }, dist?: { p50: number; p99: number }) {
  if (!dist || dist.p99 <= dist.p50) return { logMu: 0, logSigma: 0, meanUs: (lat.min + lat.max) / 2 };
  const logMu = Math.log(dist.p50);
  const logSigma = Math.log(dist.p99 / dist.p50) / Z99;
  return { logMu, logSigma, meanUs: Math.exp(logMu + (logSigma * logSigma) / 2) };
}

/**
 * The shard's share of the modelled backend. With several brokers, the connect, ingest and
 * fan-out figures are each broker's, and the shard holds its share of every broker (its devices
 * are spread over all of them).
 */
export function modelShare(cfg: BackendModelConfig, parts: number, index: number): ModelShare {
  const brokers = cfg.brokers ?? 1;
  return {
    connect: queue(
      cfg.connect.ratePerSec,
      cfg.connect.burst,
      cfg.connect.queueLimit,
      cfg.connect.latencyUs,
      parts,
      cfg.connect.latencyDistUs,
    ),
    maxSessions: Math.max(1, splitInt(cfg.connect.maxSessions, parts, index)),
    ingest: queue(
      cfg.ingest.ratePerSec,
      1,
      cfg.ingest.queueLimit,
      cfg.ingest.latencyUs,
      parts,
      cfg.ingest.latencyDistUs,
    ),
    checkin: queue(
      cfg.checkin.ratePerSec,
      1,
      cfg.checkin.queueLimit,
      cfg.checkin.latencyUs,
      parts,
      cfg.checkin.latencyDistUs,
    ),
    // Older reports (replay) have no fan-out model: ample.
    fanout: cfg.fanout
      ? queue(
          cfg.fanout.ratePerSec,
          1,
          cfg.fanout.queueLimit,
          cfg.fanout.latencyUs,
          parts,
          cfg.fanout.latencyDistUs,
        )
      : queue(1e12, 1, 1e12, { min: 0, max: 0 }, parts),
    registration: cfg.registration
      ? queue(cfg.registration.ratePerSec, 1, cfg.registration.queueLimit, cfg.registration.latencyUs, parts)
      : queue(1e12, 1, 1e12, { min: 0, max: 0 }, parts),
    otaBandwidthBytesPerSec: cfg.ota.bandwidthBytesPerSec / parts,
    otaMaxConcurrent: Math.max(1, splitInt(cfg.ota.maxConcurrentDownloads, parts, index)),
    brokers: brokers > 1 ? { count: brokers, state: new Float64Array(brokers * BROKER_SLOTS) } : null,
    takeover: takeoverShare(cfg),
    inFlight: inFlightShare(cfg),
    shared: cfg.shared
      ? {
          // no service time of its own: the connect's is drawn once, from its broker's figures
          connect: queue(
            cfg.shared.connect.ratePerSec,
            cfg.shared.connect.burst,
            cfg.shared.connect.queueLimit,
            { min: 0, max: 0 },
            parts,
          ),
          state: new Float64Array(SHARED_SLOTS),
        }
      : null,
  };
}
