// `when` faults: a metric condition in threshold syntax, checked at every barrier on the merged
// metrics (the same view abort thresholds get), starts the fault the first time it holds. The
// barrier time is the fault's start; the engine hands the triggers to whoever runs the shards
// (triggerFault), so the choice is the same whatever the worker count.
import { evaluateParsed, parseThreshold, type ParsedThreshold } from '../metrics/thresholds.js';
import type { MetricsSource } from '../metrics/source.js';
import type { ResolvedScenario } from '../scenario/types.js';

export interface FaultTrigger {
  /** Index of the fault in the scenario. */
  index: number;
  atUs: number;
}

export class WhenFaults {
  private readonly pending: { index: number; condition: ParsedThreshold }[] = [];
  /** Every trigger so far, in order. */
  readonly fired: FaultTrigger[] = [];

  constructor(s: ResolvedScenario) {
    s.faults.forEach((f, index) => {
      if (f.when !== null) this.pending.push({ index, condition: parseThreshold(f.when) });
    });
  }

  /** Checks the conditions not yet met against `metrics` at barrier `atUs`; returns new triggers. */
  check(metrics: MetricsSource, atUs: number): FaultTrigger[] {
    if (this.pending.length === 0) return [];
    const results = evaluateParsed(
      this.pending.map((p) => ({ threshold: p.condition, abortOnFail: false })),
      metrics,
    );
    const now: FaultTrigger[] = [];
    const still = this.pending.filter((p, i) => {
      const r = results[i];
      if (r === undefined || r.observed === null || !r.ok) return true;
      now.push({ index: p.index, atUs });
      return false;
    });
    this.pending.splice(0, this.pending.length, ...still);
    this.fired.push(...now);
    return now;
  }
}
