// WHO a fault hits. Timed faults select by a stateless hash of (seed, fault, occurrence, device
// id), so the same devices are hit whatever the shard or worker layout; `during` faults draw
// from the device's own stream when it enters the state. `who.state` is checked when a timed
// occurrence starts.
import type { Shard } from '../core/shard.js';
import { countThreshold } from '../random/count-select.js';
import { hash32, hashUnit, nextFloat } from '../random/rng.js';
import type { CompiledFault, Occurrence } from './plan.js';
import { siteDrawn, siteOfDevice } from '../topology/site-faults.js';

export function matches(sh: Shard, d: number, f: CompiledFault): boolean {
  return f.who.types[sh.a.type[d] as number] === true && f.who.versions[sh.a.fw[d] as number] === true;
}

/** Is device d in one of the fault's `who.state` states now (always, without one)? */
function inState(sh: Shard, d: number, f: CompiledFault): boolean {
  const { conn, ota } = f.who;
  if (conn === null || ota === null) return true;
  return conn[sh.a.conn[d] as number] === true || ota[sh.a.ota[d] as number] === true;
}

export const occurrenceKey = (occ: Occurrence): number => occ.fault.index * 65_536 + occ.n + 1;

/**
 * `who.count`: the draw that takes exactly that many devices of the whole fleet among those whose
 * type and initial firmware match (the same on every shard and thread; O(fleet) once per
 * occurrence). The current firmware and state are checked when the fault hits.
 */
function countCut(sh: Shard, occ: Occurrence): number {
  if (occ.threshold !== undefined) return occ.threshold;
  const { faults: plan, seed } = sh.st;
  const who = occ.fault.who;
  const key = occurrenceKey(occ);
  occ.threshold = countThreshold(plan.fleetDevices, who.count, (g) => {
    const { type, fw } = plan.lookup(g);
    return who.types[type] === true && who.versions[fw] === true ? hash32(seed, key, g) : -1;
  });
  return occ.threshold;
}

/** The occurrence's hash draw alone: stable for a device whatever its state or version. */
export function drawnTimed(sh: Shard, d: number, occ: Occurrence): boolean {
  if (occ.fault.who.sites !== null) return siteDrawn(sh, sh.siteFirst + siteOfDevice(sh, d), occ);
  const cut = occ.fault.who.count >= 0 ? countCut(sh, occ) : occ.fault.who.ratio;
  return hashUnit(sh.st.seed, occurrenceKey(occ), sh.globalId(d)) < cut;
}

export function hitTimed(sh: Shard, d: number, occ: Occurrence): boolean {
  return matches(sh, d, occ.fault) && inState(sh, d, occ.fault) && drawnTimed(sh, d, occ);
}

/** First `during` fault (in scenario order) that hits device d entering a state, or null. */
export function hitDuring(sh: Shard, d: number, list: CompiledFault[]): CompiledFault | null {
  for (let i = 0; i < list.length; i++) {
    const f = list[i] as CompiledFault;
    if (matches(sh, d, f) && nextFloat(sh.a.rng, d) < f.who.ratio) return f;
  }
  return null;
}
