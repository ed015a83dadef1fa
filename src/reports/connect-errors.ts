// report.json `live.connectErrors`: order and merge (shards and --processes children add up).
import type { ConnectErrorCount, Report } from './report-types.js';

/** Most frequent first; ties by reason, then detail (a stable text for equal inputs). */
export function sortConnectErrors(list: ConnectErrorCount[]): ConnectErrorCount[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return list.sort((a, b) => b.count - a.count || cmp(a.reason, b.reason) || cmp(a.detail, b.detail));
}

/** Sums the lists of several reports; undefined when none of them is a live report. */
export function mergeLive(parts: readonly Report['live'][]): Report['live'] {
  const present = parts.filter((p) => p !== undefined);
  if (present.length === 0) return undefined;
  const counts = new Map<string, ConnectErrorCount>();
  for (const p of present) {
    for (const e of p.connectErrors) {
      const key = `${e.reason}\u0000${e.detail}`;
      const had = counts.get(key);
      if (had) had.count += e.count;
      else counts.set(key, { ...e });
    }
  }
  return { connectErrors: sortConnectErrors([...counts.values()]) };
}
