// Applying a timed fault occurrence to one shard at its start (and end) time. Backend-wide
// faults change the shard's view of the backend; device faults hit the selected devices.
import { META, FLAG, PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { dropByOutage, trackSleepers } from '../device/connectivity.js';
import { interruptDownload, radioDrop } from '../device/ota.js';
import { failAttempt } from '../device/ota-install.js';
import type { TypeParams } from '../device/params.js';
import { cutPower, drainTo, goFlat } from '../device/power.js';
import { decommission, reprovision } from '../device/provision.js';
import { C, CS, OS } from '../metrics/catalog.js';
import { nextRange } from '../random/rng.js';
import { isBackendWide, type Occurrence } from './plan.js';
import { drawnTimed, hitTimed } from './select.js';
import { applySiteStart, siteDegradeEnd } from '../topology/site-faults.js';
import { brokersDownAt } from './broker-outage.js';

/** Recomputes backend-wide conditions in force at time t from all occurrences. */
export function backendConditions(sh: Shard, timed: Occurrence[], t: number): void {
  let outage = false;
  let reject = false;
  let slow = 1;
  let corrupt: Occurrence | null = null;
  for (const o of timed) {
    if (o.startUs > t) break;
    if (o.fault.type === 'backend-outage') sh.outageEndUs = o.endUs;
    if (o.fault.type === 'radio-degrade') sh.degrade = o.fault.params;
    if (t >= o.endUs) continue;
    if (o.fault.type === 'backend-outage') outage ||= o.fault.params.brokers === undefined;
    else if (o.fault.type === 'broker-reject') reject = true;
    else if (o.fault.type === 'backend-slow') slow = Math.max(slow, o.fault.params.slowFactor ?? 10);
    else if (o.fault.type === 'corrupt-image') corrupt = o;
  }
  sh.outage = outage;
  sh.reject = reject;
  sh.slowFactor = slow;
  sh.corruptOcc = corrupt;
  brokersDownAt(sh, timed, t);
}

export function applyStart(sh: Shard, occ: Occurrence, t: number): void {
  if (sh.programs !== null) sh.programs.nowUs = t; // the time the hooks a fault calls see
  const type = occ.fault.type;
  if (isBackendWide(type)) return sh.port.backendFault(sh, occ, t, 'start');
  if (type === 'corrupt-image') return;
  if (type === 'radio-degrade') sh.degrade = occ.fault.params;
  if (occ.fault.who.sites !== null) return applySiteStart(sh, occ, t);
  let hits = 0;
  for (let d = 0; d < sh.st.size; d++) {
    if (!hitTimed(sh, d, occ)) continue;
    const tp = sh.st.types[sh.a.type[d] as number] as TypeParams;
    if (!drainTo(sh, d, t, tp)) {
      sh.reschedule(d);
      continue;
    }
    if (hitDevice(sh, d, occ, t, tp)) hits++;
    sh.reschedule(d);
  }
  sh.rec.add(occ.fault.counter, hits);
  sh.faultHits[occ.fault.index] = (sh.faultHits[occ.fault.index] as number) + hits;
}

function lengthUs(sh: Shard, d: number, occ: Occurrence): number {
  return nextRange(sh.a.rng, d, occ.fault.durMinUs, occ.fault.durMaxUs);
}

/** Hits device d with the occurrence; `siteLengthUs` ≥ 0: its site's one outage length for every device. */
export function hitDevice(
  sh: Shard,
  d: number,
  occ: Occurrence,
  t: number,
  tp: TypeParams,
  siteLengthUs = -1,
): boolean {
  const a = sh.a;
  const c = a.conn[d] as number;
  if (c === CS.bricked || c === CS.dark) return false;
  switch (occ.fault.type) {
    case 'radio-drop':
      radioDrop(sh, d, t, siteLengthUs >= 0 ? siteLengthUs : lengthUs(sh, d, occ), tp);
      return true;
    case 'power-loss':
      cutPower(sh, d, t, t + (siteLengthUs >= 0 ? siteLengthUs : lengthUs(sh, d, occ)), tp);
      return true;
    case 'battery-flat':
      if (tp.mainsPowered) return false;
      goFlat(sh, d, t, tp);
      return true;
    case 'radio-degrade':
      a.flags[d] = (a.flags[d] as number) | FLAG.degraded;
      return true;
    case 'clock-skew':
      a.flags[d] = (a.flags[d] as number) | FLAG.skewed;
      return true;
    case 'decommission':
      return decommission(sh, d, t, tp);
    case 'reprovision':
      return reprovision(sh, d, t, tp);
    case 'half-open':
      if (c !== CS.connected) return false;
      a.flags[d] = (a.flags[d] as number) | FLAG.halfOpen;
      a.reqAt[d] = t + 1.5 * tp.keepaliveUs; // silent link found dead after 1.5 × keepalive
      a.connDue[d] = Math.min(a.connDue[d] as number, a.reqAt[d] as number);
      return true;
    default:
      return false;
  }
}

export function applyEnd(sh: Shard, occ: Occurrence, t: number): void {
  if (sh.programs !== null) sh.programs.nowUs = t; // the time the hooks a fault calls see
  const type = occ.fault.type;
  if (isBackendWide(type)) {
    if (type === 'backend-outage') sh.outageEndUs = t;
    return sh.port.backendFault(sh, occ, t, 'end');
  }
  if (type === 'radio-degrade' && occ.fault.who.sites !== null) siteDegradeEnd(sh, occ, t);
  const bit = type === 'radio-degrade' ? FLAG.degraded : type === 'clock-skew' ? FLAG.skewed : 0;
  if (bit === 0) return;
  for (let d = 0; d < sh.st.size; d++) {
    // By the draw alone: a device hit at the start may since have changed state or version.
    if (drawnTimed(sh, d, occ)) sh.a.flags[d] = (sh.a.flags[d] as number) & ~bit;
  }
}

/** Virtual outage: the broker drops every session; devices notice at once and back off. */
export function outageStart(sh: Shard, occ: Occurrence, t: number): void {
  const a = sh.a;
  let dropped = trackSleepers(sh); // before the loop turns connected devices into backing-off ones
  for (let d = 0; d < sh.st.size; d++) {
    const c = a.conn[d] as number;
    const tp = sh.st.types[a.type[d] as number] as TypeParams;
    if (c === CS.connected) {
      dropByOutage(sh, d, t, tp);
      dropped++;
    } else if (c === CS.connecting && a.pend[d] === PEND.ok) a.pend[d] = PEND.outage;
    if (a.ota[d] === OS.downloading) {
      interruptDownload(sh, d, t);
      failAttempt(sh, d, t, tp, C['ota_failed_total{reason="download"}'], occ.endUs);
    }
    sh.reschedule(d);
  }
  sh.meta[META.sessions] = 0;
  if (sh.globalId(0) === 0) sh.rec.add(occ.fault.counter, 1); // once per outage, not per shard
  sh.faultHits[occ.fault.index] = (sh.faultHits[occ.fault.index] as number) + dropped;
}

/** Is the download starting now corrupt because of a timed corrupt-image occurrence? */
export function corruptByTimed(sh: Shard, d: number): boolean {
  const occ = sh.corruptOcc;
  return occ !== null && hitTimed(sh, d, occ);
}
