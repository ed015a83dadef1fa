// Fills a freshly allocated shard: device types, firmware, per-device random streams, initial
// battery, power-on time within the spread, rollout targeting. Runs in a worker, in parallel.
import { initQueue } from './calendar-queue.js';
import { FLAG, META } from './shard-layout.js';
import type { Shard } from './shard.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { groupLookup, isTargeted } from '../device/rollout-plan.js';
import { CS, OS } from '../metrics/catalog.js';
import { deviceStreamSeed, nextFloat, nextRange } from '../random/rng.js';
import type { TypeParams } from '../device/params.js';
import { powerOnLookup } from '../device/install-window.js';
import { cohortInit } from '../cohorts/track.js';

export function initShard(sh: Shard, s: ResolvedScenario): number {
  const a = sh.a;
  const n = sh.st.size;
  initQueue(a);
  a.meta.fill(0);
  a.meta[META.connCounts + CS.off] = n;
  a.meta[META.otaCounts + OS.idle] = n;
  a.otaDue.fill(Infinity);
  a.cmdDue.fill(Infinity); // no command pending (an empty view without commands)
  a.reqAt.fill(-1);
  a.flushDue.fill(Infinity);
  const lookup = groupLookup(s);
  const powerOn = powerOnLookup(s);
  const plan = sh.st.rollout;
  let targeted = 0;
  for (let d = 0; d < n; d++) {
    const gid = sh.globalId(d);
    const { type, fw } = lookup(gid);
    a.type[d] = type;
    a.fw[d] = fw;
    a.rng[d] = deviceStreamSeed(sh.st.seed, gid);
    const tp = sh.st.types[type] as TypeParams;
    a.batt[d] = tp.mainsPowered ? 0 : tp.capacityMah * nextRange(a.rng, d, tp.initialMin, tp.initialMax);
    const on = powerOn(gid); // the group's own power-on wave, or the scenario's
    const onAt = on.startUs + nextFloat(a.rng, d) * on.spreadUs;
    a.connDue[d] = onAt;
    a.battAt[d] = onAt;
    if (plan && isTargeted(plan, sh.st.seed, gid, type, fw)) {
      a.flags[d] = FLAG.targeted;
      targeted++;
    }
    // The clock rate is drawn last, and only for a drifting clock: other streams stay as they were.
    if (sh.hasSchedules)
      a.clockRate[d] = tp.clockDrift > 0 ? 1 + tp.clockDrift * (2 * nextFloat(a.rng, d) - 1) : 1;
    sh.q.schedule(d, onAt);
  }
  if (sh.hasCohorts) cohortInit(sh);
  return targeted;
}
