// Advances one shard through a window [fromUs, toUs): runs device events from the calendar
// queue, stopping at each timed fault boundary inside the window to apply it, and delivers
// push notifications for rollout waves that started at this barrier.
import type { Shard } from './shard.js';
import { applyEnd, applyStart, backendConditions } from '../faults/apply-timed.js';
import type { Occurrence } from '../faults/plan.js';
import { wake } from '../device/machine.js';
import { notifyOffer } from '../device/ota.js';
import { FLAG, META } from './shard-layout.js';
import { waveOf } from '../device/rollout-plan.js';
import type { TypeParams } from '../device/params.js';

interface Boundary {
  atUs: number;
  /** 0 = end (applied first at equal times), 1 = start. */
  kind: 0 | 1;
  occ: Occurrence;
}

function boundariesIn(timed: Occurrence[], fromUs: number, toUs: number): Boundary[] {
  const out: Boundary[] = [];
  for (const occ of timed) {
    if (occ.startUs >= fromUs && occ.startUs < toUs) out.push({ atUs: occ.startUs, kind: 1, occ });
    if (occ.endUs > occ.startUs && occ.endUs >= fromUs && occ.endUs < toUs)
      out.push({ atUs: occ.endUs, kind: 0, occ });
  }
  return out.sort((x, y) => x.atUs - y.atUs || x.kind - y.kind || x.occ.fault.index - y.occ.fault.index);
}

function notifyWaves(sh: Shard, t: number): void {
  const st = sh.rolloutState;
  const plan = sh.st.rollout;
  if (!st || !plan || st.notifyFrom >= st.wavesStarted) return;
  for (let d = 0; d < sh.st.size; d++) {
    const tp = sh.st.types[sh.a.type[d] as number] as TypeParams;
    if (!tp.otaPush || !((sh.a.flags[d] as number) & FLAG.targeted)) continue;
    const w = waveOf(plan, sh.st.seed, sh.globalId(d));
    if (w < st.notifyFrom || w >= st.wavesStarted) continue;
    notifyOffer(sh, d, t, tp);
    sh.reschedule(d);
  }
}

export function advanceShard(sh: Shard, fromUs: number, toUs: number): number {
  const handler = (d: number, t: number): void => wake(sh, d, t);
  const timed = sh.st.faults.timed;
  backendConditions(sh, timed, fromUs);
  sh.q.setFloor(fromUs);
  notifyWaves(sh, fromUs);
  let events = 0;
  let t = fromUs;
  for (const b of boundariesIn(timed, fromUs, toUs)) {
    events += sh.q.advance(t, b.atUs, handler);
    t = b.atUs;
    sh.q.setFloor(t);
    if (b.kind === 1) applyStart(sh, b.occ, t);
    else applyEnd(sh, b.occ, t);
    backendConditions(sh, timed, t);
  }
  events += sh.q.advance(t, toUs, handler);
  sh.meta[META.eventsProcessed] = (sh.meta[META.eventsProcessed] as number) + events;
  return events;
}
