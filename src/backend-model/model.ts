// The modelled backend, as one shard sees its share of it: broker connect accept queue with
// max sessions (and the connect capacity the brokers share), message ingest queue, check-in API
// queue, OTA server bandwidth and download slots. Outage, slow and reject conditions come from
// fault windows set on the shard. Answers are times (when the broker answers) or refusals, never
// exceptions.
import { fluidAdmit, fluidTake, fluidWait } from './fluid-queue.js';
import { drawServiceUs } from './service-time.js';
import {
  BROKER,
  BROKER_SLOTS,
  SHARED_OWN,
  type BrokerSet,
  type QueueShare,
  type SharedShare,
} from './share.js';
import { META } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';

export const CONNECT = { ok: 0, rejected: 1, maxSessions: 2, outage: 3 } as const;

export interface Answer {
  status: number;
  /** When the backend answers (µs); for refusals, when the refusal is sent. */
  atUs: number;
}

/** Reused answer object: the hot path allocates nothing. Read it before the next call. */
const answer: Answer = { status: 0, atUs: 0 };

/**
 * A request of device d arriving at `t` in queue `slot` of `state`. With `ownSlot` it stands for
 * itself alone: it adds the broker's period, not every shard's, and keeps count of that work in
 * `ownSlot` for the barrier (src/backend-model/queue-pooling.ts).
 */
function serveIn(
  sh: Shard,
  state: Float64Array,
  slot: number,
  q: QueueShare,
  d: number,
  t: number,
  ownSlot = -1,
): number {
  const slow = sh.slowFactor;
  const periodUs = workUs(q, slow, ownSlot >= 0);
  const at = fluidAdmit(state, slot, t, periodUs, q.tauUs * slow, q.maxWaitUs * slow);
  if (at < 0) return -1;
  if (ownSlot >= 0) state[ownSlot] = (state[ownSlot] as number) + periodUs;
  return at + drawServiceUs(sh.a.rng, d, q) * slow;
}

/** The work one request adds to queue q: every shard's period, or the broker's own when `alone`. */
function workUs(q: QueueShare, slow: number, alone: boolean): number {
  return (alone ? q.brokerPeriodUs : q.periodUs) * slow;
}

/**
 * Device d's connect stands for itself alone: its site's outage (a radio drop, a power loss) brought
 * it back. A site is devices of one shard, so no other shard's devices come back with it; counted
 * as every shard's load, a site's storm queued in its shard's share of the broker (1/shards of it).
 */
function ownConnect(sh: Shard, d: number): boolean {
  return sh.a.siteMark.length > 0 && sh.a.siteMark[d] === 1;
}

/**
 * A connect that needs its broker's queue and the shared one (`backend.shared`): checked against
 * both before either keeps it (a refusal leaves no trace in either), answered when the slower of
 * the two lets it through — one piece of work needing two capacities at once, not two services
 * in a row (docs/calibration.md, "Shared capacity").
 */
function serveShared(
  sh: Shard,
  state: Float64Array,
  slot: number,
  q: QueueShare,
  shared: SharedShare,
  d: number,
  t: number,
  ownSlot: number,
): number {
  const slow = sh.slowFactor;
  const s = shared.connect;
  const ownWaitUs = fluidWait(state, slot, t, q.tauUs * slow);
  const sharedWaitUs = fluidWait(shared.state, 0, t, s.tauUs * slow);
  if (ownWaitUs > q.maxWaitUs * slow || sharedWaitUs > s.maxWaitUs * slow) return -1;
  const alone = ownSlot >= 0;
  const periodUs = workUs(q, slow, alone);
  const sharedPeriodUs = workUs(s, slow, alone);
  fluidTake(state, slot, periodUs);
  fluidTake(shared.state, 0, sharedPeriodUs);
  if (alone) {
    state[ownSlot] = (state[ownSlot] as number) + periodUs;
    shared.state[SHARED_OWN] = (shared.state[SHARED_OWN] as number) + sharedPeriodUs;
  }
  return t + Math.max(ownWaitUs, sharedWaitUs) + drawServiceUs(sh.a.rng, d, q) * slow;
}

function serve(sh: Shard, slot: number, q: QueueShare, d: number, t: number): number {
  return serveIn(sh, sh.meta, slot, q, d, t);
}

/**
 * First slot of device d's broker in the set: device d of the shard talks to broker d mod count.
 * Unsharded that is live mode's spread (device i → URL i mod N); with several shards it keeps
 * every shard's devices even over the brokers, as each shard holds an even part of each broker
 * (spreading by global id would tie shard k to broker k when the counts share a factor).
 */
function brokerBase(set: BrokerSet, d: number): number {
  return (d % set.count) * BROKER_SLOTS;
}

/** Takes broker `b` of the set down (an outage of that broker alone) or brings it back. */
export function setBrokerDown(set: BrokerSet, b: number, down: boolean): void {
  set.state[b * BROKER_SLOTS + BROKER.down] = down ? 1 : 0;
}

/** Every broker's sessions dropped (a backend-wide outage). */
export function dropBrokerSessions(set: BrokerSet | null): void {
  if (set === null) return;
  for (let b = 0; b < set.count; b++) set.state[b * BROKER_SLOTS + BROKER.sessions] = 0;
}

/** A CONNECT arriving at the broker at `t` from device `d`. */
export function brokerConnect(sh: Shard, d: number, t: number): Answer {
  answer.atUs = t;
  const set = sh.st.share.brokers;
  const state = set === null ? sh.meta : set.state;
  const base = set === null ? 0 : brokerBase(set, d);
  const sessionsSlot = set === null ? META.sessions : base + BROKER.sessions;
  if (sh.outage || (set !== null && state[base + BROKER.down] === 1)) answer.status = CONNECT.outage;
  else if (sh.reject) answer.status = CONNECT.rejected;
  else if ((state[sessionsSlot] as number) >= sh.st.share.maxSessions) answer.status = CONNECT.maxSessions;
  else {
    const slot = set === null ? META.connectQueue : base + BROKER.connect;
    const ownSlot = !ownConnect(sh, d) ? -1 : set === null ? META.connectOwn : base + BROKER.connectOwn;
    const shared = sh.st.share.shared;
    const at =
      shared === null
        ? serveIn(sh, state, slot, sh.st.share.connect, d, t, ownSlot)
        : serveShared(sh, state, slot, sh.st.share.connect, shared, d, t, ownSlot);
    if (at < 0) answer.status = CONNECT.rejected;
    else {
      answer.status = CONNECT.ok;
      answer.atUs = at;
      state[sessionsSlot] = (state[sessionsSlot] as number) + 1;
      if (set !== null) sh.meta[META.sessions] = (sh.meta[META.sessions] as number) + 1;
    }
  }
  return answer;
}

/** A session of device d ends (disconnect, keepalive expiry, client gave up). */
export function brokerRelease(sh: Shard, d = 0): void {
  const s = sh.meta[META.sessions] as number;
  if (s > 0) sh.meta[META.sessions] = s - 1;
  const set = sh.st.share.brokers;
  if (set === null) return;
  const slot = brokerBase(set, d) + BROKER.sessions;
  const b = set.state[slot] as number;
  if (b > 0) set.state[slot] = b - 1;
}

/** A queue of device d's broker: its slot in `sh.meta`, or in the broker set. */
function brokerServe(sh: Shard, metaSlot: number, brokerSlot: number, q: QueueShare, d: number, t: number) {
  if (sh.outage) return -1;
  const set = sh.st.share.brokers;
  if (set === null) return serve(sh, metaSlot, q, d, t);
  const base = brokerBase(set, d);
  if (set.state[base + BROKER.down] === 1) return -1;
  return serveIn(sh, set.state, base + brokerSlot, q, d, t);
}

/** Ingest of one PUBLISH arriving at `t`; status 0 = accepted at atUs, 1 = refused. */
export function brokerIngest(sh: Shard, d: number, t: number): Answer {
  const at = brokerServe(sh, META.ingestQueue, BROKER.ingest, sh.st.share.ingest, d, t);
  answer.status = at < 0 ? 1 : 0;
  answer.atUs = at < 0 ? t : at;
  return answer;
}

/**
 * The broker delivers an operator command to device d's session at `t` or later: when it leaves
 * the fan-out queue (µs), or -1 when the queue is full or the broker is down (the command is lost).
 */
export function brokerFanout(sh: Shard, d: number, t: number): number {
  return brokerServe(sh, META.fanoutQueue, BROKER.fanout, sh.st.share.fanout, d, t);
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
  return at < 0 ? -1 : at + q.meanUs * slow;
}
