// The rollout as devices see it. Targeting and wave membership are pure functions of (seed,
// device id, type, initial firmware), so the main thread can count the targeted devices per
// wave up front and every shard agrees on who is in which wave. What changes during the run
// (waves started, paused, aborted) comes from the campaign coordinator at each barrier.
import type { ResolvedScenario } from '../scenario/types.js';
import { countThreshold } from '../random/count-select.js';
import { hash32, hashUnit } from '../random/rng.js';
import { typeOrder, versionTable } from './params.js';
import { windowPlan, type WindowPlan } from './install-window.js';

const KEY_SELECT = 0x5e1ec7;
const KEY_WAVE = 0x3a7e5;

export const HALT = { none: 0, paused: 1, aborted: 2 } as const;

/** Per-wave counters a shard reports each window: offsets into waveStats (wave × WIDTH + stat). */
export const WAVE_STAT = {
  offered: 0,
  succeeded: 1,
  failed: 2,
  rolledBack: 3,
  bricked: 4,
  width: 5,
} as const;

export interface RolloutPlan {
  version: number;
  versionName: string;
  sizeBytes: number;
  types: boolean[];
  fromVersions: boolean[];
  selectRatio: number;
  /** Cumulative share of targeted devices up to and including wave i. */
  cuts: number[];
  /** `install-window`, with the devices' time zones; null: install at once. Absent in older plans. */
  window?: WindowPlan | null;
}

export interface RolloutWindowState {
  wavesStarted: number;
  /** Waves [notifyFrom, wavesStarted) started at this barrier: push devices are notified. */
  notifyFrom: number;
  halt: number;
  /** When wave 0 started (for convergence), or -1. */
  startedAtUs: number;
}

export function isTargeted(plan: RolloutPlan, seed: number, gid: number, type: number, fw: number): boolean {
  return (
    plan.types[type] === true &&
    plan.fromVersions[fw] === true &&
    fw !== plan.version &&
    hashUnit(seed, KEY_SELECT, gid) < plan.selectRatio
  );
}

export function waveOf(plan: RolloutPlan, seed: number, gid: number): number {
  const r = hashUnit(seed, KEY_WAVE, gid);
  for (let i = 0; i < plan.cuts.length; i++) if (r < (plan.cuts[i] as number)) return i;
  return plan.cuts.length; // beyond the last wave: never offered
}

/** Device type and initial firmware of global id g, from the fleet groups (contiguous ranges). */
export function groupLookup(s: ResolvedScenario): (gid: number) => { type: number; fw: number } {
  const types = typeOrder(s);
  const versions = versionTable(s);
  const bounds: { end: number; type: number; fw: number }[] = [];
  let end = 0;
  for (const g of s.fleet) {
    end += g.count;
    const fw = g.firmware ?? s.deviceTypes[g.device]?.firmware ?? '';
    bounds.push({ end, type: types.indexOf(g.device), fw: versions.indexOf(fw) });
  }
  return (gid) => {
    for (const b of bounds) if (gid < b.end) return b;
    return bounds[bounds.length - 1] ?? { end: 0, type: 0, fw: 0 };
  };
}

function basePlan(s: ResolvedScenario): RolloutPlan | null {
  const r = s.rollout;
  if (!r) return null;
  const types = typeOrder(s);
  const versions = versionTable(s);
  return {
    version: versions.indexOf(r.firmware.version),
    versionName: r.firmware.version,
    sizeBytes: r.firmware.sizeBytes,
    types: types.map((t) => r.selector.deviceTypes === null || r.selector.deviceTypes.includes(t)),
    fromVersions: versions.map(
      (v) => r.selector.fromVersions === null || r.selector.fromVersions.includes(v),
    ),
    selectRatio: r.selector.ratio,
    cuts: [],
    window: windowPlan(s),
  };
}

export interface Targeting {
  plan: RolloutPlan;
  targeted: number;
  perWave: number[];
}

/**
 * Counts targeted devices (O(devices), run once on the main thread) and fixes the wave cuts: a
 * count wave holds exactly that many targeted devices of the whole fleet (cumulative).
 * `devices` is the whole fleet; with --shard i/N only ids ≡ offset (mod stride) are counted.
 */
export function planRollout(
  s: ResolvedScenario,
  devices: number,
  seed: number,
  stride = 1,
  offset = 0,
): Targeting | null {
  const plan = basePlan(s);
  if (!plan || !s.rollout) return null;
  const lookup = groupLookup(s);
  // A share wave cuts the hash at the share; a count wave at the threshold under which exactly
  // that many targeted devices of the whole fleet fall.
  const waveHash = (g: number): number => {
    const { type, fw } = lookup(g);
    return isTargeted(plan, seed, g, type, fw) ? hash32(seed, KEY_WAVE, g) : -1;
  };
  plan.cuts = s.rollout.waves.map((w) =>
    w.ratio !== null ? Math.min(1, w.ratio) : countThreshold(devices, w.count ?? 0, waveHash),
  );
  const perWave = plan.cuts.map(() => 0);
  for (let g = offset; g < devices; g += stride) {
    const { type, fw } = lookup(g);
    if (!isTargeted(plan, seed, g, type, fw)) continue;
    const w = waveOf(plan, seed, g);
    if (w < perWave.length) perWave[w] = (perWave[w] as number) + 1;
  }
  return { plan, targeted: perWave.reduce((x, y) => x + y, 0), perWave };
}
