// QoS 1 publishes in flight when a session drops (`backend.mqtt.track-in-flight`), virtual mode,
// as live mode's client treats them (src/transports/mqtt/session-store.ts): a publish whose
// PUBACK would reach the device after its session dropped is not acked; a kept session
// (`clean-session: false`) sends it again after its reconnect, its PUBACK latency counted from
// its first send (`mqtt_publish_resent_total`), a clean session loses it (`disconnected`).
//
// The model answers a publish at once, so the drop must be known when the publish is made: the
// drops seen are those of the timed faults already planned (a backend outage of the device's
// broker or of the whole backend, a radio drop or power loss that selects the device) starting
// before the PUBACK arrives. Drops no plan knows beforehand (keepalive expiry, `during` faults,
// `when` faults triggered after the publish) leave it acked, as without tracking.
import { cohortPublishFailed } from '../cohorts/track.js';
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import { oneWayUs } from '../device/radio.js';
import { onBrokers } from '../faults/broker-outage.js';
import type { Occurrence } from '../faults/plan.js';
import { hitTimed } from '../faults/select.js';
import { C, H } from '../metrics/catalog.js';
import type { BackendModelConfig } from '../scenario/types.js';
import { brokerIngest } from './model.js';

export interface InFlightShare {
  /** By device: first-send times (µs) of the publishes its kept session holds for the reconnect. */
  held: Map<number, number[]>;
}

export function inFlightShare(cfg: BackendModelConfig): InFlightShare | null {
  return cfg.mqtt?.trackInFlight === true ? { held: new Map() } : null;
}

/** Does the planned occurrence end device d's session when it starts? */
function drops(sh: Shard, d: number, o: Occurrence): boolean {
  const type = o.fault.type;
  if (type === 'backend-outage') {
    const brokers = o.fault.params.brokers;
    const set = sh.st.share.brokers;
    return brokers === undefined || (set !== null && onBrokers(set, d, brokers));
  }
  return (type === 'radio-drop' || type === 'power-loss') && hitTimed(sh, d, o);
}

/** Is device d's session dropped after `t` and before `ackUs` by a planned fault? */
function droppedBefore(sh: Shard, d: number, t: number, ackUs: number): boolean {
  const timed = sh.st.faults.timed;
  let lo = 0;
  let hi = timed.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((timed[mid] as Occurrence).startUs <= t) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < timed.length; i++) {
    const o = timed[i] as Occurrence;
    if (o.startUs >= ackUs) return false;
    if (drops(sh, d, o)) return true;
  }
  return false;
}

/**
 * A QoS 1 publish of device d, first sent at `firstUs`, sent now at `t` and taken by the broker,
 * its PUBACK reaching the device at `ackUs`: acked with its latency from the first send, or in
 * flight at a drop (held for the reconnect of a kept session, lost with a clean one).
 */
export function ackOrHold(
  sh: Shard,
  d: number,
  tp: TypeParams,
  firstUs: number,
  t: number,
  ackUs: number,
): void {
  const inFlight = sh.st.share.inFlight;
  if (inFlight === null || inFlight === undefined || !droppedBefore(sh, d, t, ackUs)) {
    sh.rec.add(C.mqtt_publish_acked_total);
    sh.rec.record(H.mqtt_publish_ack_duration_us, ackUs - firstUs);
    return;
  }
  if (tp.cleanSession) {
    sh.rec.add(C['mqtt_publish_failed_total{reason="disconnected"}']);
    if (sh.hasCohorts) cohortPublishFailed(sh.a, d);
    return;
  }
  const list = inFlight.held.get(d);
  if (list === undefined) inFlight.held.set(d, [firstUs]);
  else list.push(firstUs);
}

/** Device d's kept session came back at `t`: what it held is sent again (DUP), in order. */
export function resendHeld(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const held = sh.st.share.inFlight?.held;
  const list = held?.get(d);
  if (held === undefined || list === undefined) return;
  held.delete(d);
  for (const firstUs of list) {
    sh.rec.add(C.mqtt_publish_resent_total);
    const ans = brokerIngest(sh, d, t + oneWayUs(sh, d, tp));
    if (ans.status !== 0) {
      sh.rec.add(C['mqtt_publish_failed_total{reason="rejected"}']);
      if (sh.hasCohorts) cohortPublishFailed(sh.a, d);
    } else ackOrHold(sh, d, tp, firstUs, t, ans.atUs + oneWayUs(sh, d, tp));
  }
}

/** The run ends: publishes still held (their device never came back) fail as `disconnected`. */
export function failHeldAtEnd(sh: Shard): void {
  const held = sh.st.share.inFlight?.held;
  if (held === undefined) return;
  for (const [d, list] of held) {
    sh.rec.add(C['mqtt_publish_failed_total{reason="disconnected"}'], list.length);
    if (sh.hasCohorts) for (let i = 0; i < list.length; i++) cohortPublishFailed(sh.a, d);
  }
  held.clear();
}
