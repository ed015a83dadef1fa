// Counting fault hits: the faults_injected_total{type} counters and, per window, hits per fault
// for the fault timeline in report.json.
import type { Shard } from '../core/shard.js';
import type { CompiledFault } from './plan.js';

export function countHit(sh: Shard, f: CompiledFault): void {
  sh.rec.add(f.counter);
  sh.faultHits[f.index] = (sh.faultHits[f.index] as number) + 1;
}
