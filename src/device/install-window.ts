// Per-group facts the fleet core looks up by global device id: a group's own power-on (a batch
// that powers on later) and its devices' time zones; and the rollout's install window in each
// device's local time. Pure functions of the scenario, the seed and the id, so every shard and
// worker agrees. Time of day: t = 0 is 00:00:00 UTC of day 0 (as for `telemetry.at`).
import { hashUnit } from '../random/rng.js';
import type { ResolvedScenario } from '../scenario/types.js';

const DAY_US = 24 * 3600e6;
const KEY_ZONE = 0x7153;

interface GroupSpan {
  end: number;
  startUs: number;
  spreadUs: number;
  zones: number[];
}

/** Groups as contiguous id ranges with their power-on and zones (plain data: sent to workers). */
export function groupSpans(s: ResolvedScenario): GroupSpan[] {
  let end = 0;
  return s.fleet.map((g) => {
    end += g.count;
    const p = g.powerOn ?? s.powerOn;
    return { end, startUs: p.startUs, spreadUs: p.spreadUs, zones: g.timezoneOffsetsUs ?? [0] };
  });
}

function spanOf(spans: readonly GroupSpan[], gid: number): GroupSpan | undefined {
  for (const g of spans) if (gid < g.end) return g;
  return spans[spans.length - 1];
}

/** Power-on (start, spread) of device gid: its group's own, or the scenario's. */
export function powerOnLookup(s: ResolvedScenario): (gid: number) => { startUs: number; spreadUs: number } {
  const spans = groupSpans(s);
  const fallback = { startUs: s.powerOn.startUs, spreadUs: s.powerOn.spreadUs };
  return (gid) => spanOf(spans, gid) ?? fallback;
}

/** The UTC offset of device gid: one of its group's zones, by a hash of (seed, id). */
export function zoneOf(spans: readonly GroupSpan[], seed: number, gid: number): number {
  const zones = spanOf(spans, gid)?.zones ?? [0];
  if (zones.length === 1) return zones[0] as number;
  const i = Math.min(zones.length - 1, Math.floor(hashUnit(seed, KEY_ZONE, gid) * zones.length));
  return zones[i] as number;
}

/** The rollout's install window with the zones it is read in; null without a window. */
export interface WindowPlan {
  startUs: number;
  endUs: number;
  spans: GroupSpan[];
}

export function windowPlan(s: ResolvedScenario): WindowPlan | null {
  const w = s.rollout?.installWindow ?? null;
  return w === null ? null : { startUs: w.startUs, endUs: w.endUs, spans: groupSpans(s) };
}

const mod = (x: number): number => ((x % DAY_US) + DAY_US) % DAY_US;

/**
 * µs from t until device gid may start an install that lasts up to `needUs` inside its window
 * (the window opens, with that much of it left); 0 when it may start now. A window shorter than
 * the install never lets it start: the device keeps waiting (and the report shows no install).
 */
export function windowWaitUs(w: WindowPlan, seed: number, gid: number, t: number, needUs: number): number {
  const local = mod(t + zoneOf(w.spans, seed, gid));
  const length = mod(w.endUs - w.startUs);
  if (mod(local - w.startUs) + needUs <= length) return 0;
  return length < needUs ? Infinity : mod(w.startUs - local) || DAY_US;
}

/** Was device gid's local time at t inside its window (the end included)? */
export function insideWindow(w: WindowPlan, seed: number, gid: number, t: number): boolean {
  return mod(t + zoneOf(w.spans, seed, gid) - w.startUs) <= mod(w.endUs - w.startUs);
}
