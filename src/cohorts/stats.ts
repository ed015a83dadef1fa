// The statistics a cohort comparison reports, and what may name a cohort dimension. No imports:
// the threshold parser reads these too.
import type { CohortBy } from '../scenario/types.js';

/** The per-device statistics compared, in sums order. */
export const COHORT_STATS = [
  'battery_drain_per_day',
  'reconnects_per_device_day',
  'publish_failure_ratio',
  'ota_failures_per_device',
] as const;
export type CohortStat = (typeof COHORT_STATS)[number];
export const STAT = {
  battery_drain_per_day: 0,
  reconnects_per_device_day: 1,
  publish_failure_ratio: 2,
  ota_failures_per_device: 3,
} as const satisfies Record<CohortStat, number>;

export function isCohortStat(name: string): name is CohortStat {
  return (COHORT_STATS as readonly string[]).includes(name);
}

export function isCohortBy(by: string): by is CohortBy {
  return by === 'firmware' || by === 'device-type' || by === 'site' || /^tag:[A-Za-z0-9_.-]+$/.test(by);
}
