// End of run: each device's values folded into its cohorts' sums, per shard (shards add in
// shard order, so the report is the same whatever --workers says). A device is observed from
// power-on to the end of the run; one that never powered on is in no cohort.
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import { addValue } from './welch.js';
import { groupOf, STAT, sumsAt, type CohortDimension, type CohortPlan } from './plan.js';
import { drainedTo, NO_CHANGE } from './track.js';
import { siteOfLocal } from '../topology/site-table.js';

const US_PER_DAY = 86_400e6;

/** One stretch of a device's life in one cohort: its length and what happened in it. */
interface Segment {
  spanUs: number;
  drainedMah: number;
  publishes: number;
  failed: number;
  reconnects: number;
  otaFailures: number;
}

function addSegment(sums: Float64Array, dim: CohortDimension, c: number, tp: TypeParams, s: Segment): void {
  const days = s.spanUs / US_PER_DAY;
  if (days > 0) {
    if (!tp.mainsPowered && tp.capacityMah > 0)
      addValue(sums, sumsAt(dim, c, STAT.battery_drain_per_day), s.drainedMah / tp.capacityMah, days);
    addValue(sums, sumsAt(dim, c, STAT.reconnects_per_device_day), s.reconnects, days);
  }
  if (s.publishes > 0) addValue(sums, sumsAt(dim, c, STAT.publish_failure_ratio), s.failed, s.publishes);
  addValue(sums, sumsAt(dim, c, STAT.ota_failures_per_device), s.otaFailures, 1);
}

/** The shard's cohort sums at endUs (the time the run reached). */
export function collectCohorts(sh: Shard, plan: CohortPlan, endUs: number): Float64Array {
  const sums = new Float64Array(plan.sumsLength);
  const a = sh.a;
  const whole: Segment = { spanUs: 0, drainedMah: 0, publishes: 0, failed: 0, reconnects: 0, otaFailures: 0 };
  const before: Segment = { ...whole };
  const after: Segment = { ...whole };
  for (let d = 0; d < sh.st.size; d++) {
    const onAt = a.cohOnAt[d] as number;
    if (!(onAt < endUs)) continue;
    const tp = sh.st.types[a.type[d] as number] as TypeParams;
    const group = groupOf(plan, sh.globalId(d));
    whole.spanUs = endUs - onAt;
    whole.drainedMah = drainedTo(sh, d, endUs, tp);
    whole.publishes = a.cohPub[d] as number;
    whole.failed = a.cohFail[d] as number;
    whole.reconnects = a.cohRecon[d] as number;
    whole.otaFailures = a.cohOta[d] as number;
    const prev = a.cohFwPrev[d] as number;
    if (prev !== NO_CHANGE) splitAtChange(a, d, onAt, whole, before, after);
    for (const dim of plan.dims) {
      if (dim.by === 'site') {
        if (plan.sites !== null) addSegment(sums, dim, siteOfLocal(plan.sites, sh.st.shard, d), tp, whole);
      } else if (dim.by !== 'firmware') {
        const c = dim.groupCohort[group] ?? -1;
        if (c >= 0) addSegment(sums, dim, c, tp, whole);
      } else if (prev === NO_CHANGE) {
        addSegment(sums, dim, a.fw[d] as number, tp, whole);
      } else {
        addSegment(sums, dim, prev, tp, before);
        addSegment(sums, dim, a.fw[d] as number, tp, after);
      }
    }
  }
  return sums;
}

function splitAtChange(
  a: Shard['a'],
  d: number,
  onAt: number,
  whole: Segment,
  before: Segment,
  after: Segment,
): void {
  const at = a.cohChgAt[d] as number;
  before.spanUs = at - onAt;
  before.drainedMah = a.cohChgDrained[d] as number;
  before.publishes = a.cohChgPub[d] as number;
  before.failed = a.cohChgFail[d] as number;
  before.reconnects = a.cohChgRecon[d] as number;
  before.otaFailures = a.cohChgOta[d] as number;
  after.spanUs = whole.spanUs - before.spanUs;
  after.drainedMah = whole.drainedMah - before.drainedMah;
  after.publishes = whole.publishes - before.publishes;
  after.failed = whole.failed - before.failed;
  after.reconnects = whole.reconnects - before.reconnects;
  after.otaFailures = whole.otaFailures - before.otaFailures;
}

/** Adds shard sums in shard order. */
export function addSums(total: number[], part: ArrayLike<number>): number[] {
  if (total.length === 0) return Array.from(part);
  for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) + (part[i] as number);
  return total;
}
