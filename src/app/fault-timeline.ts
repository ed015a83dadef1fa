// The fault timeline in report.json: one entry per timed occurrence (with the devices it hit)
// (`when` faults from the barrier where their condition held) and, for `during` faults, one entry
// per interval in which they hit devices.
import { occurrenceStarts } from '../faults/plan.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { FaultTimelineEntry } from '../reports/report-types.js';

export class FaultTimeline {
  private readonly timed: { index: number; entry: FaultTimelineEntry }[] = [];
  private readonly during: FaultTimelineEntry[] = [];

  constructor(private readonly s: ResolvedScenario) {
    s.faults.forEach((f, index) => {
      if (f.during === null && f.when === null) this.addOccurrences(index, f.atUs ?? 0);
    });
  }

  /** A `when` fault whose condition held at `atUs`: its occurrences from then on. */
  trigger(index: number, atUs: number): void {
    this.addOccurrences(index, atUs);
  }

  private addOccurrences(index: number, firstUs: number): void {
    const f = this.s.faults[index];
    if (!f) return;
    for (const at of occurrenceStarts(f, firstUs, this.s.durationUs)) {
      this.timed.push({
        index,
        entry: { faultId: f.id, type: f.type, atUs: at, durationUs: f.durationUs.max, devicesHit: 0 },
      });
    }
  }

  /** Hits per fault (scenario order) in the window [fromUs, toUs). */
  addWindow(fromUs: number, toUs: number, hits: number[]): void {
    hits.forEach((h, index) => {
      if (h === 0) return;
      const f = this.s.faults[index];
      if (!f) return;
      if (f.during !== null) {
        this.during.push({
          faultId: f.id,
          type: f.type,
          atUs: fromUs,
          durationUs: toUs - fromUs,
          devicesHit: h,
        });
        return;
      }
      let target: FaultTimelineEntry | null = null;
      for (const t of this.timed) if (t.index === index && t.entry.atUs < toUs) target = t.entry;
      if (target) target.devicesHit += h;
    });
  }

  entries(reachedUs: number): FaultTimelineEntry[] {
    const timed = this.timed.filter((t) => t.entry.atUs < reachedUs).map((t) => t.entry);
    return [...timed, ...this.during].sort((a, b) => a.atUs - b.atUs || (a.faultId < b.faultId ? -1 : 1));
  }
}
