// The offline buffer (`telemetry.buffer`). A device takes its readings on its schedule whether or
// not it is connected (a.readAt keeps the next one while it is offline). On reconnect the readings
// it missed are counted into a per-device count (a.bufCount, at most the capacity; the overflow
// is dropped), then flushed one publish per flush gap through the port, so live mode sends real
// publishes and virtual mode loads the modelled broker. Only the count is kept: which readings a
// full buffer drops (`when-full`) changes their age, not how many are sent or lost.
// Decisions: a duty-cycled device's sleep is not offline (it reads at its wakes); its readings
// missed while a wake could not connect are buffered, and it stays awake until it has flushed.
// A device that was powered off (flat, or before power-on) takes no readings then; the buffer
// survives a power loss (flash). A flush cut by a disconnect resumes at the next connect.
import type { Shard } from '../core/shard.js';
import { C, CS } from '../metrics/catalog.js';
import type { TypeParams } from './params.js';
import { readingsBetween } from './schedule.js';
import { publish, sleep } from './telemetry.js';

/** The device connected at t: count the readings it missed into its buffer and start flushing. */
export function bufferOnConnect(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  const from = a.readAt[d] as number;
  if (from > 0 && from <= t) {
    // A duty-cycled device publishes the reading of this wake itself.
    const missed = readingsBetween(sh, d, from, t, tp) - (tp.dutyCycle ? 1 : 0);
    if (missed > 0) keep(sh, d, missed, tp);
  }
  a.readAt[d] = 0;
  if ((a.bufCount[d] as number) > 0 && a.flushDue[d] === Infinity) a.flushDue[d] = t + tp.flushGapUs;
}

function keep(sh: Shard, d: number, missed: number, tp: TypeParams): void {
  const a = sh.a;
  const held = a.bufCount[d] as number;
  const overflow = Math.max(0, held + missed - tp.bufCapacity);
  a.bufCount[d] = Math.min(tp.bufCapacity, held + missed);
  sh.rec.add(C.telemetry_buffered_total, missed);
  if (overflow > 0) sh.rec.add(C['telemetry_dropped_total{reason="buffer_full"}'], overflow);
}

/** The device's next flush is due: one buffered reading goes out while it is connected. */
export function flushEvent(sh: Shard, d: number, t: number, tp: TypeParams): void {
  const a = sh.a;
  if (a.conn[d] !== CS.connected) return; // resumes at the next connect
  const left = (a.bufCount[d] as number) - 1;
  a.bufCount[d] = left;
  sh.rec.add(C.telemetry_flushed_total);
  publish(sh, d, t, tp, 0);
  if (left > 0) a.flushDue[d] = t + tp.flushGapUs;
  else if (tp.dutyCycle) sleep(sh, d, t, tp);
}
