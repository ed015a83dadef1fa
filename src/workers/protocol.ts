// Messages between the main thread and the fleet workers. One task per worker per window:
// shard state lives in SharedArrayBuffers, so a task carries handles, never device data, and
// its answer is one metrics snapshot plus small per-window tallies.
import type { MetricsSnapshot } from '../metrics/recorder.js';
import type { DeviceOutcome } from '../reports/report-types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { RolloutPlan, RolloutWindowState } from '../device/rollout-plan.js';
import type { FaultTrigger } from '../faults/when.js';
import type { SiteTable } from '../topology/site-table.js';
import type { CohortPlan } from '../cohorts/plan.js';

export interface RunContext {
  runId: string;
  scenario: ResolvedScenario;
  devices: number;
  shards: number;
  plan: RolloutPlan | null;
  /** The run's sites (src/topology/site-table.ts); absent or null: none. */
  sites?: SiteTable | null;
  /** What the run compares (src/cohorts/plan.ts); absent or null: nothing. */
  cohorts?: CohortPlan | null;
}

export interface ShardHandle {
  shard: number;
  size: number;
  buf: SharedArrayBuffer;
}

export interface InitTask {
  kind: 'init';
  ctx: RunContext;
  shards: ShardHandle[];
}

export interface AdvanceTask {
  kind: 'advance';
  ctx: RunContext;
  shards: ShardHandle[];
  fromUs: number;
  toUs: number;
  rollout: RolloutWindowState | null;
  /** Last window of the run: also count devices still not reconnected after an outage. */
  final: boolean;
  /** Every `when` fault triggered so far (a worker adds the ones it has not seen). */
  triggers: FaultTrigger[];
  /** Self-test of crash handling: the worker throws when a window starts at or after this. */
  crashAtUs?: number;
  /** The queues' pooled backlogs at fromUs (src/backend-model/queue-pooling.ts); absent: keep. */
  queueLevels?: number[] | null;
}

/**
 * End of run (or wherever it stopped): each shard's cohort sums at `atUs`, and its site rows when
 * the run stopped before its final window (an abort, Ctrl-C) so the report keeps what it measured.
 */
export interface CohortsTask {
  kind: 'cohorts';
  ctx: RunContext;
  shards: ShardHandle[];
  atUs: number;
  siteRows?: boolean;
}

export type Task = InitTask | AdvanceTask | CohortsTask;

export interface InitResult {
  targeted: number;
}

/** One sums array per shard of the task, in shard order. */
export interface CohortsResult {
  sums: number[][];
  siteRows?: number[];
}

export interface AdvanceResult {
  snapshot: MetricsSnapshot;
  connStates: number[];
  otaStates: number[];
  waveStats: number[];
  faultHits: number[];
  /** Final window with sites: each shard's site rows (src/topology/site-rows.ts), in shard order. */
  siteRows?: number[];
  outcomes: DeviceOutcome[];
  events: number;
  /** Each shard's queue backlogs at toUs, in shard order (empty when the fleet is one shard). */
  queueLevels: number[][];
}
