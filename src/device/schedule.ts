// When a device takes its next reading: every interval (± jitter), or at wall-clock times of its
// own clock (`telemetry.at` / `cron`). A device clock reads L(t) = t + (t + S)(r − 1) at virtual
// time t, where r is its rate (1 ± drift, drawn once at power-on) and S the time since its last
// sync before the run: t = 0 is 00:00:00 of the run's day 0, so the clocks of a fleet agree at
// the last sync and drift apart from there.
import type { Shard } from '../core/shard.js';
import { nextRange } from '../random/rng.js';
import { DAY_US } from '../scenario/resolve-schedule.js';
import type { TypeParams } from './params.js';

function rateOf(sh: Shard, d: number): number {
  const r = sh.a.clockRate[d] as number;
  return r === 0 ? 1 : r;
}

/** The device clock at virtual time t. */
export function localUs(sh: Shard, d: number, t: number, tp: TypeParams): number {
  const r = rateOf(sh, d);
  return t * r + tp.clockSinceSyncUs * (r - 1);
}

/** The virtual time at which the device clock reads `local`. */
export function virtualUs(sh: Shard, d: number, local: number, tp: TypeParams): number {
  const r = rateOf(sh, d);
  return (local - tp.clockSinceSyncUs * (r - 1)) / r;
}

/** Aligned slots (device clock) at or before `local`, counted from the epoch. */
export function slotsUpTo(offsets: Float64Array, local: number): number {
  const day = Math.floor(local / DAY_US);
  const within = local - day * DAY_US;
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((offsets[mid] as number) <= within) lo = mid + 1;
    else hi = mid;
  }
  return day * offsets.length + lo;
}

/** The first aligned slot (device clock) strictly after `local`. */
export function nextSlot(offsets: Float64Array, local: number): number {
  const k = slotsUpTo(offsets, local);
  const day = Math.floor(k / offsets.length);
  return day * DAY_US + (offsets[k - day * offsets.length] as number);
}

/** Virtual time of the device's next aligned reading after t (the type has `at` / `cron`). */
export function nextAlignedAt(sh: Shard, d: number, t: number, tp: TypeParams): number {
  const at = virtualUs(sh, d, nextSlot(tp.alignOffsetsUs, localUs(sh, d, t, tp)), tp);
  const splay = tp.alignSplayUs > 0 ? nextRange(sh.a.rng, d, 0, tp.alignSplayUs) : 0;
  // A slot can land at t itself after rounding: never schedule in the past.
  return Math.max(at + splay, t + 1);
}

/** Readings due in [from, to], `from` being one: on the interval (nominal) or the aligned slots. */
export function readingsBetween(sh: Shard, d: number, from: number, to: number, tp: TypeParams): number {
  if (to < from) return 0;
  if (tp.alignOffsetsUs.length === 0) return 1 + Math.floor((to - from) / tp.intervalUs);
  const o = tp.alignOffsetsUs;
  return 1 + slotsUpTo(o, localUs(sh, d, to, tp)) - slotsUpTo(o, localUs(sh, d, from, tp));
}
