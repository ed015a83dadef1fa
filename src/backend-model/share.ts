// The slice of the modelled backend's capacity one shard owns. Capacity is shared out evenly
// over shards (rates, burst, queue bounds, sessions, OTA bandwidth), which keeps shards
// independent between barriers. With ≥ 2k devices per shard the aggregate behaviour matches one
// shared queue closely: see docs/virtual-mode.md.
import type { BackendModelConfig } from '../scenario/types.js';

export interface QueueShare {
  periodUs: number;
  tauUs: number;
  maxWaitUs: number;
  latMinUs: number;
  latMaxUs: number;
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
}

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
): QueueShare {
  const rate = ratePerSec / parts;
  const periodUs = rate > 0 ? 1e6 / rate : Infinity;
  const burstShare = Math.max(1, burst / parts);
  const queueShare = Math.max(1, queueLimit / parts);
  return {
    periodUs,
    tauUs: (burstShare - 1) * periodUs,
    maxWaitUs: queueShare * periodUs,
    latMinUs: lat.min,
    latMaxUs: lat.max,
  };
}

export function modelShare(cfg: BackendModelConfig, parts: number, index: number): ModelShare {
  return {
    connect: queue(
      cfg.connect.ratePerSec,
      cfg.connect.burst,
      cfg.connect.queueLimit,
      cfg.connect.latencyUs,
      parts,
    ),
    maxSessions: Math.max(1, splitInt(cfg.connect.maxSessions, parts, index)),
    ingest: queue(cfg.ingest.ratePerSec, 1, cfg.ingest.queueLimit, cfg.ingest.latencyUs, parts),
    checkin: queue(cfg.checkin.ratePerSec, 1, cfg.checkin.queueLimit, cfg.checkin.latencyUs, parts),
    // Older reports (replay) have no fan-out model: ample.
    fanout: cfg.fanout
      ? queue(cfg.fanout.ratePerSec, 1, cfg.fanout.queueLimit, cfg.fanout.latencyUs, parts)
      : queue(1e12, 1, 1e12, { min: 0, max: 0 }, parts),
    registration: cfg.registration
      ? queue(cfg.registration.ratePerSec, 1, cfg.registration.queueLimit, cfg.registration.latencyUs, parts)
      : queue(1e12, 1, 1e12, { min: 0, max: 0 }, parts),
    otaBandwidthBytesPerSec: cfg.ota.bandwidthBytesPerSec / parts,
    otaMaxConcurrent: Math.max(1, splitInt(cfg.ota.maxConcurrentDownloads, parts, index)),
  };
}
