// The steps a probe offers: doubling from `start` up to `max`, never past a `target.limits`
// value (the last step is then the limit itself, and a probe without a knee stopped by limits).
import type { StoppedBy } from './types.js';

export interface Ladder {
  rates: number[];
  /** Why the ladder ends if no step knees: the probe's own cap, or a target limit. */
  end: Exclude<StoppedBy, 'knee'>;
}

export function ladder(start: number, max: number, limit: number | null): Ladder {
  const top = limit === null ? max : Math.min(max, limit);
  const rates: number[] = [];
  for (let r = start; r <= top; r *= 2) rates.push(r);
  if (limit !== null && limit < max && rates[rates.length - 1] !== top) rates.push(top);
  if (rates.length === 0) rates.push(top);
  return { rates, end: limit !== null && limit <= max ? 'limits' : 'cap' };
}
