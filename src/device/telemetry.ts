// Periodic telemetry: publish at interval ± jitter. The PUBACK time comes from the ingest model
// at once, so an acknowledged publish costs one event, not two. A type with several streams
// keeps one due time per stream (sh.streamDue) and wakes at the earliest; a single stream
// keeps the original one-slot path.
import { FLAG } from '../core/shard-layout.js';
import { cohortPublish, cohortPublishFailed } from '../cohorts/track.js';
import type { Shard } from '../core/shard.js';
import { C, CS } from '../metrics/catalog.js';
import { nextRange } from '../random/rng.js';
import { MAX_STREAMS } from '../scenario/schema-telemetry.js';
import type { StreamParams, TypeParams } from './params.js';
import { lost } from './radio.js';
import { nextAlignedAt } from './schedule.js';

export function nextIntervalUs(sh: Shard, d: number, tp: TypeParams | StreamParams): number {
  const us = nextRange(sh.a.rng, d, tp.intervalUs - tp.jitterUs, tp.intervalUs + tp.jitterUs);
  // A telemetry-interval command scales every stream's interval (empty without commands).
  const scale = sh.a.telemScale;
  return scale.length === 0 || scale[d] === 0 ? us : us * (scale[d] as number);
}

/**
 * The next reading after t, as the connectivity event: every interval, or aligned to the device
 * clock (src/device/schedule.ts). With the schedule slots, it is kept in a.readAt too, where it
 * stays while the device is offline (src/device/telemetry-buffer.ts).
 */
function scheduleReading(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const at = tp.alignOffsetsUs.length > 0 ? nextAlignedAt(sh, d, t, tp) : t + nextIntervalUs(sh, d, tp);
  sh.a.connDue[d] = at;
  if (sh.hasSchedules) sh.a.readAt[d] = at;
}

/** Connected: duty-cycled devices publish at once and go back to sleep; others schedule. */
export function afterConnected(sh: Shard, d: number, t: number, tp: TypeParams): void {
  // `telemetry: false` in the device's program: its own publishes replace the built-in ones.
  if (!tp.builtinTelemetry && !tp.dutyCycle) {
    sh.a.connDue[d] = Infinity;
    return;
  }
  if (tp.dutyCycle) {
    publishAll(sh, d, t, tp);
    // A duty-cycled device with buffered readings stays awake until it has flushed them.
    if (tp.bufCapacity > 0 && (sh.a.bufCount[d] as number) > 0) sh.a.connDue[d] = Infinity;
    else sleep(sh, d, t, tp);
  } else if (tp.streams.length > 1) {
    const due = streamDue(sh);
    let next = Infinity;
    for (let s = 0; s < tp.streams.length; s++) {
      const at = t + nextIntervalUs(sh, d, tp.streams[s] as StreamParams);
      due[d * MAX_STREAMS + s] = at;
      next = Math.min(next, at);
    }
    sh.a.connDue[d] = next;
  } else {
    scheduleReading(sh, d, t, tp);
  }
}

/** A connected device's telemetry timer fired. */
export function telemetryDue(sh: Shard, d: number, t: number, tp: TypeParams): void {
  if (!tp.builtinTelemetry && !tp.dutyCycle) return;
  if (tp.dutyCycle) {
    publishAll(sh, d, t, tp);
    sleep(sh, d, t, tp);
  } else if (tp.streams.length > 1) {
    streamsDue(sh, d, t, tp);
  } else {
    publish(sh, d, t, tp, 0);
    scheduleReading(sh, d, t, tp);
  }
}

/** Publishes every stream that is due and wakes at the earliest next one. */
function streamsDue(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const due = streamDue(sh);
  let next = Infinity;
  for (let s = 0; s < tp.streams.length; s++) {
    const k = d * MAX_STREAMS + s;
    if ((due[k] as number) <= t) {
      publish(sh, d, t, tp, s);
      due[k] = t + nextIntervalUs(sh, d, tp.streams[s] as StreamParams);
    }
    next = Math.min(next, due[k] as number);
  }
  sh.a.connDue[d] = next;
}

function streamDue(sh: Shard): Float64Array {
  if (sh.streamDue.length === 0) sh.streamDue = new Float64Array(sh.st.size * MAX_STREAMS);
  return sh.streamDue;
}

/** A duty-cycled device sends one publish per stream per wake (the first stream's interval paces it). */
function publishAll(sh: Shard, d: number, t: number, tp: TypeParams): void {
  if (!tp.builtinTelemetry) return; // a duty-cycled device still wakes for its program
  for (let s = 0; s < tp.streams.length; s++) publish(sh, d, t, tp, s);
}

export function sleep(sh: Shard, d: number, t: number, tp: TypeParams): void {
  sh.port.release(sh, d, true);
  sh.rec.add(C['mqtt_disconnects_total{reason="duty_cycle"}']);
  sh.setConn(d, CS.sleeping);
  scheduleReading(sh, d, t, tp);
}

export function publish(sh: Shard, d: number, t: number, tp: TypeParams, stream = 0): void {
  const a = sh.a;
  sh.rec.add(C.mqtt_publish_total);
  if (sh.hasCohorts) cohortPublish(a, d);
  if (!tp.mainsPowered) {
    const mah =
      sh.drainByFw === null ? tp.publishMah : tp.publishMah * (sh.drainByFw[a.fw[d] as number] as number);
    a.batt[d] = Math.max(0, (a.batt[d] as number) - mah);
  }
  if ((a.flags[d] as number) & FLAG.halfOpen || lost(sh, d, tp)) {
    sh.rec.add(C['mqtt_publish_failed_total{reason="lost"}']);
    if (sh.hasCohorts) cohortPublishFailed(a, d);
    return;
  }
  sh.port.publish(sh, d, t, tp, stream);
}
