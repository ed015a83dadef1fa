// Periodic telemetry: publish at interval ± jitter. The PUBACK time comes from the ingest model
// at once, so an acknowledged publish costs one event, not two.
import { FLAG } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { C, CS } from '../metrics/catalog.js';
import { nextRange } from '../random/rng.js';
import type { TypeParams } from './params.js';
import { lost } from './radio.js';

export function nextIntervalUs(sh: Shard, d: number, tp: TypeParams): number {
  return nextRange(sh.a.rng, d, tp.intervalUs - tp.jitterUs, tp.intervalUs + tp.jitterUs);
}

/** Connected: duty-cycled devices publish at once and go back to sleep; others schedule. */
export function afterConnected(sh: Shard, d: number, t: number, tp: TypeParams): void {
  if (tp.dutyCycle) {
    publish(sh, d, t, tp);
    sleep(sh, d, t, tp);
  } else {
    sh.a.connDue[d] = t + nextIntervalUs(sh, d, tp);
  }
}

/** A connected device's telemetry timer fired. */
export function telemetryDue(sh: Shard, d: number, t: number, tp: TypeParams): void {
  publish(sh, d, t, tp);
  if (tp.dutyCycle) sleep(sh, d, t, tp);
  else sh.a.connDue[d] = t + nextIntervalUs(sh, d, tp);
}

function sleep(sh: Shard, d: number, t: number, tp: TypeParams): void {
  sh.port.release(sh, d, true);
  sh.rec.add(C['mqtt_disconnects_total{reason="duty_cycle"}']);
  sh.setConn(d, CS.sleeping);
  sh.a.connDue[d] = t + nextIntervalUs(sh, d, tp);
}

export function publish(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  sh.rec.add(C.mqtt_publish_total);
  if (!tp.mainsPowered) a.batt[d] = Math.max(0, (a.batt[d] as number) - tp.publishMah);
  if ((a.flags[d] as number) & FLAG.halfOpen || lost(sh, d, tp)) {
    sh.rec.add(C['mqtt_publish_failed_total{reason="lost"}']);
    return;
  }
  sh.port.publish(sh, d, t, tp);
}
