// The modelled backend, as one shard sees its share of it: broker connect accept queue with
// max sessions, message ingest queue, check-in API queue, OTA server bandwidth and download
// slots. Outage, slow and reject conditions come from fault windows set on the shard. Answers
// are times (when the broker answers) or refusals, never exceptions.
import { fluidAdmit } from './fluid-queue.js';
import type { QueueShare } from './share.js';
import { META } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { nextRange } from '../random/rng.js';

export const CONNECT = { ok: 0, rejected: 1, maxSessions: 2, outage: 3 } as const;

export interface Answer {
  status: number;
  /** When the backend answers (µs); for refusals, when the refusal is sent. */
  atUs: number;
}

/** Reused answer object: the hot path allocates nothing. Read it before the next call. */
const answer: Answer = { status: 0, atUs: 0 };

function serve(sh: Shard, slot: number, q: QueueShare, d: number, t: number): number {
  const slow = sh.slowFactor;
  const at = fluidAdmit(sh.meta, slot, t, q.periodUs * slow, q.tauUs * slow, q.maxWaitUs * slow);
  if (at < 0) return -1;
  return at + nextRange(sh.a.rng, d, q.latMinUs, q.latMaxUs) * slow;
}

/** A CONNECT arriving at the broker at `t` from device `d`. */
export function brokerConnect(sh: Shard, d: number, t: number): Answer {
  answer.atUs = t;
  if (sh.outage) answer.status = CONNECT.outage;
  else if (sh.reject) answer.status = CONNECT.rejected;
  else if ((sh.meta[META.sessions] as number) >= sh.st.share.maxSessions) answer.status = CONNECT.maxSessions;
  else {
    const at = serve(sh, META.connectQueue, sh.st.share.connect, d, t);
    if (at < 0) answer.status = CONNECT.rejected;
    else {
      answer.status = CONNECT.ok;
      answer.atUs = at;
      sh.meta[META.sessions] = (sh.meta[META.sessions] as number) + 1;
    }
  }
  return answer;
}

/** A session ends (disconnect, keepalive expiry, client gave up). */
export function brokerRelease(sh: Shard): void {
  const s = sh.meta[META.sessions] as number;
  if (s > 0) sh.meta[META.sessions] = s - 1;
}

/** Ingest of one PUBLISH arriving at `t`; status 0 = accepted at atUs, 1 = refused. */
export function brokerIngest(sh: Shard, d: number, t: number): Answer {
  const at = sh.outage ? -1 : serve(sh, META.ingestQueue, sh.st.share.ingest, d, t);
  answer.status = at < 0 ? 1 : 0;
  answer.atUs = at < 0 ? t : at;
  return answer;
}

/**
 * The broker delivers an operator command to device d's session at `t` or later: when it leaves
 * the fan-out queue (µs), or -1 when the queue is full or the broker is down (the command is lost).
 */
export function brokerFanout(sh: Shard, d: number, t: number): number {
  return sh.outage ? -1 : serve(sh, META.fanoutQueue, sh.st.share.fanout, d, t);
}

/** A check-in request arriving at `t`; status 0 = answered at atUs, 1 = 503/refused. */
export function apiCheckin(sh: Shard, d: number, t: number): Answer {
  const at = sh.outage || sh.reject ? -1 : serve(sh, META.checkinQueue, sh.st.share.checkin, d, t);
  answer.status = at < 0 ? 1 : 0;
  answer.atUs = at < 0 ? t : at;
  return answer;
}

/**
 * Asks the OTA server for a download slot. Returns the bytes/s the device gets (its share of
 * the shard's bandwidth at admission, fixed for the transfer), or 0 when all slots are busy.
 */
export function otaAdmit(sh: Shard, radioBytesPerSec: number): number {
  const active = sh.meta[META.activeDownloads] as number;
  if (sh.outage || active >= sh.st.share.otaMaxConcurrent) return 0;
  sh.meta[META.activeDownloads] = active + 1;
  const share = sh.st.share.otaBandwidthBytesPerSec / (active + 1);
  return Math.min(radioBytesPerSec, share) / sh.slowFactor;
}

export function otaRelease(sh: Shard): void {
  const a = sh.meta[META.activeDownloads] as number;
  if (a > 0) sh.meta[META.activeDownloads] = a - 1;
}

/**
 * One more request of the OTA protocol arriving at `t` (a report, an inventory, an auth): on
 * the API queue, or on the broker's ingest queue when the protocol talks MQTT. Returns when it
 * is answered, or -1 when refused. Draws nothing from the device's stream (fixed mid latency),
 * so the device's own random sequence is the same whatever the protocol.
 */
export function protocolRequest(sh: Shard, t: number, overMqtt: boolean): number {
  if (sh.outage || (!overMqtt && sh.reject)) return -1;
  const q = overMqtt ? sh.st.share.ingest : sh.st.share.checkin;
  const slot = overMqtt ? META.ingestQueue : META.checkinQueue;
  const slow = sh.slowFactor;
  const at = fluidAdmit(sh.meta, slot, t, q.periodUs * slow, q.tauUs * slow, q.maxWaitUs * slow);
  return at < 0 ? -1 : at + ((q.latMinUs + q.latMaxUs) / 2) * slow;
}
