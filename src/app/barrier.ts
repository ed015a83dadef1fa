// What both engines do at the end of each interval window, once the window's metrics are in:
// device states and the on-target share into the aggregate, fault hits into the timeline, `when`
// conditions checked (their triggers go to whoever runs the shards), progress reported and a
// stop request honoured. One place, so virtual and live mode decide alike.
import { recordTargeted } from '../core/rollout-window.js';
import { WhenFaults, type FaultTrigger } from '../faults/when.js';
import type { Aggregator } from '../metrics/aggregate.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { EngineOptions, EngineResult } from './engine-types.js';
import { FaultTimeline } from './fault-timeline.js';

/** A window's tallies summed over every shard. */
export interface WindowTally {
  conn: number[];
  ota: number[];
  /** Devices hit per fault (scenario order). */
  hits: number[];
}

export class IntervalBarrier {
  readonly timeline: FaultTimeline;
  readonly when: WhenFaults;
  readonly intervals: number;

  constructor(
    s: ResolvedScenario,
    private readonly agg: Aggregator,
    private readonly targeted: number,
  ) {
    this.timeline = new FaultTimeline(s);
    this.when = new WhenFaults(s);
    this.intervals = Math.ceil(s.durationUs / s.intervalUs);
    recordTargeted(agg, targeted);
  }

  /** Window i = [fromUs, toUs) is merged: record it; returns the `when` faults it triggered. */
  close(i: number, fromUs: number, toUs: number, tally: WindowTally): FaultTrigger[] {
    const agg = this.agg;
    agg.setStates(i, tally.conn, tally.ota);
    if (this.targeted > 0) agg.setOnTargetRatio(i, agg.counter('ota_succeeded_total') / this.targeted);
    this.timeline.addWindow(fromUs, toUs, tally.hits);
    const fired = this.when.check(agg, toUs);
    for (const t of fired) this.timeline.trigger(t.index, t.atUs);
    return fired;
  }

  /** Reports progress after window i; true when the run stops here (interrupt or abort). */
  stopsAfter(
    i: number,
    toUs: number,
    tally: WindowTally,
    result: EngineResult,
    opts: EngineOptions,
  ): boolean {
    result.reachedUs = toUs;
    const stop = opts.onInterval?.({
      index: i,
      intervals: this.intervals,
      reachedUs: toUs,
      agg: this.agg,
      events: result.events,
      conn: tally.conn,
      ota: tally.ota,
    });
    if (!stop) return false;
    result.status = stop.status;
    result.statusReason = stop.reason;
    return true;
  }
}
