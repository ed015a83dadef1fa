// The device API's effects on the built-in device: a publish through the port (counted, drained
// from the battery, lost on a bad link like telemetry), and the deferred reboot and sleep, which
// use the state machine's own transitions.
import { withRealTime } from '../clock/virtual-globals.js';
import { FLAG, PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { EFFECT, applyCommandEffect } from '../device/command-effects.js';
import type { TypeParams } from '../device/params.js';
import { drainRate } from '../device/power.js';
import { lost } from '../device/radio.js';
import { C, CS } from '../metrics/catalog.js';
import { parseDurationUs } from '../scenario/units.js';
import type { Duration, Payload, PublishOptions } from './api.js';
import { ACTION, type ProgramDevice } from './device.js';
import type { ProgramHost } from './host.js';

const encoder = new TextEncoder();

/** What the modelled broker gets for a payload it does not read (see devicePublish). */
const UNREAD = new Uint8Array(0);

export function encodePayload(payload: Payload): Uint8Array {
  if (typeof payload === 'string') return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  return encoder.encode(JSON.stringify(payload));
}

function serializeOnly(payload: Payload): Uint8Array {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) JSON.stringify(payload);
  return UNREAD;
}

export function durationUs(v: Duration): number {
  if (typeof v === 'number') {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`sleep: expected a duration in ms, got ${v}`);
    return v * 1000;
  }
  return parseDurationUs(v, 'device.sleep');
}

/** Charge left at t (mAh), without changing the lazily drained battery. */
export function powerMah(sh: Shard, d: number, t: number, tp: TypeParams): number {
  const a = sh.a;
  const since = a.battAt[d] as number;
  const left = (a.batt[d] as number) - drainRate(sh, d, tp) * Math.max(0, t - since);
  return Math.max(0, left);
}

/** Sends a program's publish; returns its bytes when it left the device (for local delivery). */
export function devicePublish(
  host: ProgramHost,
  dev: ProgramDevice,
  topic: string,
  payload: Payload,
  opts: PublishOptions | undefined,
): Uint8Array | null {
  const sh = host.sh;
  const a = sh.a;
  const d = dev.d;
  if (typeof topic !== 'string' || topic.length === 0 || topic.includes('+') || topic.includes('#'))
    throw new TypeError(`publish: invalid topic ${JSON.stringify(topic)}`);
  if (a.conn[d] !== CS.connected) {
    sh.rec.add(C.program_publishes_dropped_total);
    return null;
  }
  // In virtual mode the modelled broker reads neither topic nor bytes (it models the ingest, not
  // the content): the payload is serialized as always (a value JSON cannot hold still throws), but
  // encoded to UTF-8 only when a device of the shard subscribed, which is who would read it.
  const bytes =
    host.opts.localDelivery && host.subs.size === 0 ? serializeOnly(payload) : encodePayload(payload);
  const tp = sh.st.types[a.type[d] as number] as TypeParams;
  sh.rec.add(C.mqtt_publish_total);
  if (!tp.mainsPowered) a.batt[d] = Math.max(0, (a.batt[d] as number) - tp.publishMah);
  if ((a.flags[d] as number) & FLAG.halfOpen || lost(sh, d, tp)) {
    sh.rec.add(C['mqtt_publish_failed_total{reason="lost"}']);
    return null;
  }
  const qos = opts?.qos === 1 ? 1 : 0;
  const retain = opts?.retain === true;
  withRealTime(host.virtualTime, () =>
    sh.port.publishMessage?.(sh, d, host.nowUs, tp, topic, bytes, qos, retain),
  );
  return bytes;
}

/** A reboot or sleep the program asked for, run right after the callback that asked. */
export function runAction(host: ProgramHost, dev: ProgramDevice, t: number): void {
  const sh = host.sh;
  const d = dev.d;
  const a = sh.a;
  const action = dev.action;
  dev.action = ACTION.none;
  const tp = sh.st.types[a.type[d] as number] as TypeParams;
  if (action === ACTION.reboot) {
    const before = a.conn[d] as number;
    withRealTime(host.virtualTime, () => applyCommandEffect(sh, d, t, tp, EFFECT.reboot, null));
    if (a.conn[d] === CS.off && before !== CS.off) host.ramLost(d); // refused while updating
    return;
  }
  const c = a.conn[d] as number;
  if (c === CS.off || c === CS.dark || c === CS.bricked) return;
  const holds = c === CS.connected || (c === CS.connecting && a.pend[d] === PEND.ok);
  if (holds) {
    withRealTime(host.virtualTime, () => sh.port.release(sh, d, true));
    sh.rec.add(C['mqtt_disconnects_total{reason="duty_cycle"}']);
  }
  sh.setConn(d, CS.sleeping);
  a.connDue[d] = t + (dev.x?.sleepUs ?? 0);
  if (c === CS.connected) host.disconnected(d, 'clean');
}
