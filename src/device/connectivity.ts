// Connect, connected, disconnect, reconnect with backoff. A connect attempt asks the backend
// (model) when the CONNACK would arrive; the device wakes then and applies the stored result.
import { FLAG, PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { C, CS, H, OS } from '../metrics/catalog.js';
import { offerAvailable } from './ota.js';
import { backoffDelayUs } from './backoff.js';
import type { TypeParams } from './params.js';
import { lost } from './radio.js';
import { afterConnected } from './telemetry.js';
import { bufferOnConnect } from './telemetry-buffer.js';
import { commandsOnConnect } from './commands.js';
import { siteConnectOutcome } from '../topology/site-faults.js';
import { cohortConnected, cohortLinkLost } from '../cohorts/track.js';
import { provisionGate } from './provision.js';

/** Counter of each failed PEND code, in PEND order (a unit test checks the two stay in step). */
export const PEND_FAILURE_COUNTER = [
  -1,
  C['mqtt_connect_failed_total{reason="rejected"}'],
  C['mqtt_connect_failed_total{reason="max_sessions"}'],
  C['mqtt_connect_failed_total{reason="timeout"}'],
  C['mqtt_connect_failed_total{reason="outage"}'],
  C['mqtt_connect_failed_total{reason="lost"}'],
  C['mqtt_connect_failed_total{reason="not_authorized"}'],
  C['mqtt_connect_failed_total{reason="bad_credentials"}'],
  C['mqtt_connect_failed_total{reason="server_unavailable"}'],
  C['mqtt_connect_failed_total{reason="bad_client_id"}'],
  C['mqtt_connect_failed_total{reason="unsupported_protocol"}'],
  C['mqtt_connect_failed_total{reason="banned"}'],
  C['mqtt_connect_failed_total{reason="server_busy"}'],
  C['mqtt_connect_failed_total{reason="quota_exceeded"}'],
  C['mqtt_connect_failed_total{reason="connection_rate_exceeded"}'],
  C['mqtt_connect_failed_total{reason="tls"}'],
  C['mqtt_connect_failed_total{reason="connection_refused"}'],
  C['mqtt_connect_failed_total{reason="connection_closed"}'],
  C['mqtt_connect_failed_total{reason="network"}'],
];

export function attemptConnect(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  if (tp.provisionTimeoutUs > 0 && !provisionGate(sh, d, t, tp)) return; // registers first
  sh.setConn(d, CS.connecting);
  sh.rec.add(C.mqtt_connect_attempts_total);
  a.reqAt[d] = t;
  if (lost(sh, d, tp) || (a.flags[d] as number) & FLAG.skewed) {
    // Lost CONNECT, or a TLS handshake refused because the device clock is off.
    a.pend[d] = (a.flags[d] as number) & FLAG.skewed ? PEND.rejected : PEND.lost;
    a.connDue[d] = t + tp.connectTimeoutUs;
    return;
  }
  sh.port.connect(sh, d, t, tp);
}

export function resolveConnect(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const pend = a.pend[d] as number;
  if (sh.siteCount > 0) siteConnectOutcome(sh, d, t, pend === PEND.ok);
  if (pend !== PEND.ok) {
    sh.rec.add(PEND_FAILURE_COUNTER[pend] as number);
    // A duty-cycled device that woke into an outage: counted once, at its first failed wake.
    if (pend === PEND.outage && tp.dutyCycle && a.attempt[d] === 0) sh.rec.add(C.outage_wake_failed_total);
    goBackoff(sh, d, t, tp);
    return;
  }
  sh.setConn(d, CS.connected);
  sh.rec.add(C.mqtt_connect_success_total);
  if (sh.hasCohorts) cohortConnected(a, d);
  sh.rec.record(H.mqtt_connect_duration_us, t - (a.reqAt[d] as number));
  a.attempt[d] = 0;
  a.backoffPrevUs[d] = 0;
  sh.port.resumed?.(sh, d, t, tp);
  const flags = a.flags[d] as number;
  if (flags & FLAG.outageTracked) {
    a.flags[d] = flags & ~FLAG.outageTracked;
    const hist = tp.dutyCycle ? H.outage_resume_duration_us : H.outage_reconnect_duration_us;
    sh.rec.record(hist, t - sh.outageEndUs);
  }
  // The program's hook first: a duty-cycled device sleeps again in afterConnected.
  if (sh.programs !== null) sh.programs.connected(d);
  if (tp.bufCapacity > 0) bufferOnConnect(sh, d, t, tp);
  afterConnected(sh, d, t, tp);
  if (sh.hasCommands) commandsOnConnect(sh, d, t, tp);
  // Push-discovery devices hear of a pending update when their session comes back.
  const o = a.ota[d] as number;
  const waiting = (o === OS.idle || o === OS['retry-wait']) && a.otaDue[d] === Infinity;
  if (tp.otaPush && waiting && offerAvailable(sh, d)) a.otaDue[d] = t;
}

export function goBackoff(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  sh.setConn(d, CS.backoff);
  const attempt = a.attempt[d] as number;
  const delay = backoffDelayUs(tp.backoff, attempt, a.backoffPrevUs[d] as number, a.rng, d);
  a.backoffPrevUs[d] = delay;
  if (attempt < 60) a.attempt[d] = attempt + 1;
  a.connDue[d] = t + delay;
}

/** True when the broker holds a session for the device (connected, or CONNACK on its way). */
export function holdsSession(sh: Shard, d: number): boolean {
  const c = sh.a.conn[d] as number;
  return c === CS.connected || (c === CS.connecting && sh.a.pend[d] === PEND.ok);
}

/**
 * The link dies under the device (radio drop, outage, power): the broker session ends and the
 * device's pending connectivity event is cancelled. Returns whether it was connected.
 */
export function loseLink(sh: Shard, d: number, disconnectCounter: number): boolean {
  const wasConnected = sh.a.conn[d] === CS.connected;
  if (holdsSession(sh, d)) sh.port.release(sh, d, false);
  if (wasConnected) sh.rec.add(disconnectCounter);
  if (wasConnected && sh.hasCohorts) cohortLinkLost(sh.a, d);
  sh.a.connDue[d] = Infinity;
  if (wasConnected && sh.programs !== null) sh.programs.linkLost(d, disconnectCounter);
  return wasConnected;
}

/**
 * What an outage tracks a device as: a persistent device connected when it began, or a
 * duty-cycled device online then (asleep, waking or connected), whose recovery is its next
 * successful session.
 */
export function outageTrackCounter(tp: TypeParams): number {
  return tp.dutyCycle ? C.outage_sleeping_devices_total : C.outage_tracked_devices_total;
}

/** At the end of a run: devices an outage tracked that never had a session again. */
export function countNotReconnected(sh: Shard): void {
  let persistent = 0;
  let sleeping = 0;
  for (let d = 0; d < sh.st.size; d++) {
    if (!((sh.a.flags[d] as number) & FLAG.outageTracked)) continue;
    if ((sh.st.types[sh.a.type[d] as number] as TypeParams).dutyCycle) sleeping++;
    else persistent++;
  }
  sh.rec.add(C.outage_not_reconnected_total, persistent);
  sh.rec.add(C.outage_not_resumed_total, sleeping);
}

/**
 * An outage begins: duty-cycled devices online but not connected (asleep, waking, backing off)
 * are tracked too, so a sleeping fleet has a recovery time. Returns how many.
 */
export function trackSleepers(sh: Shard, only?: (d: number) => boolean): number {
  const a = sh.a;
  let n = 0;
  for (let d = 0; d < sh.st.size; d++) {
    if (only !== undefined && !only(d)) continue; // an outage of some brokers: their devices
    const c = a.conn[d] as number;
    if (c !== CS.sleeping && c !== CS.connecting && c !== CS.backoff) continue;
    if (!(sh.st.types[a.type[d] as number] as TypeParams).dutyCycle) continue;
    if ((a.flags[d] as number) & FLAG.outageTracked) continue;
    a.flags[d] = (a.flags[d] as number) | FLAG.outageTracked;
    sh.rec.add(C.outage_sleeping_devices_total);
    n++;
  }
  return n;
}

/** An outage takes connected device d's session: it notices at once, is tracked, backs off. */
export function dropByOutage(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  loseLink(sh, d, C['mqtt_disconnects_total{reason="outage"}']);
  a.flags[d] = ((a.flags[d] as number) | FLAG.outageTracked) & ~FLAG.halfOpen;
  sh.rec.add(outageTrackCounter(tp));
  a.attempt[d] = 0;
  goBackoff(sh, d, t, tp);
}
