// What a run engine (virtual or live) takes and gives back to the orchestration in run.ts.
import type { Aggregator } from '../metrics/aggregate.js';
import type {
  ConnectErrorCount,
  DeviceOutcome,
  FaultTimelineEntry,
  RolloutReport,
  RunStatus,
} from '../reports/report-types.js';
import type { OtaServerReport } from '../reports/ota-report.js';
import type { ShardSync } from './shard-sync.js';

export interface IntervalProgress {
  index: number;
  intervals: number;
  reachedUs: number;
  agg: Aggregator;
  events: number;
  conn: number[];
  ota: number[];
}

/** Returned by onInterval to stop the run early (interrupt or abort threshold). */
export interface StopRequest {
  status: Extract<RunStatus, 'interrupted' | 'aborted'>;
  reason: string;
}

export interface EngineOptions {
  workers: number;
  onInterval?: (p: IntervalProgress) => StopRequest | null;
  /** Self-test of crash handling (FLEETSTORM_SELFTEST_CRASH_AT_US): a worker (live: the driver) throws at this time. */
  crashAtUs?: number;
  /** Live, one process of `--processes N`: meets the others at the start and the end. */
  sync?: ShardSync;
}

export interface EngineResult {
  agg: Aggregator;
  reachedUs: number;
  status: RunStatus;
  statusReason: string | null;
  crash?: unknown;
  faults: FaultTimelineEntry[];
  rollout: RolloutReport | null;
  outcomes: DeviceOutcome[];
  events: number;
  workers: number;
  warnings: string[];
  devices: number;
  /** Live mode against the embedded backend: the update server's view (report.json ota.server). */
  otaServer?: OtaServerReport;
  /** Cohort sums at the end (src/cohorts), shards added in shard order; absent: nothing compared. */
  cohortSums?: number[];
  /** With sites: every site's row at the end (src/topology/site-rows.ts), in shard order. */
  siteRows?: number[];
  /** Live mode: connect failures with their detail (report.json live.connectErrors). */
  connectErrors?: ConnectErrorCount[];
}
