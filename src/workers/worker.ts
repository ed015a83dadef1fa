// Piscina worker entry: advances the shards named in the task and answers with one metrics
// snapshot and the window's tallies. Thin on purpose: the logic is in src/core and src/device.
import { META } from '../core/shard-layout.js';
import { initShard } from '../core/shard-init.js';
import { advanceShard } from '../core/shard-sim.js';
import { countNotReconnected } from '../device/connectivity.js';
import { failHeldAtEnd } from '../backend-model/in-flight.js';
import { scheduleCommands, settleCommandsAtEnd } from '../device/commands.js';
import { CONN_STATES, OTA_STATES } from '../metrics/catalog.js';
import { WAVE_STAT } from '../device/rollout-plan.js';
import { siteRows } from '../topology/site-rows.js';
import type {
  AdvanceResult,
  AdvanceTask,
  CohortsResult,
  CohortsTask,
  InitResult,
  InitTask,
  Task,
} from './protocol.js';
import { collectCohorts } from '../cohorts/collect.js';
import { queueLevels, setQueueLevels } from '../backend-model/queue-pooling.js';
import { applyTriggers, outcomes, recorder, shardFor } from './shard-runtime.js';

function init(task: InitTask): InitResult {
  let targeted = 0;
  for (const h of task.shards) {
    const sh = shardFor(task.ctx, h);
    targeted += initShard(sh, task.ctx.scenario);
    scheduleCommands(sh);
  }
  return { targeted };
}

function advance(task: AdvanceTask): AdvanceResult {
  if (task.crashAtUs !== undefined && task.fromUs >= task.crashAtUs) {
    throw new Error(`worker crash requested at ${task.crashAtUs}us (FLEETSTORM_SELFTEST_CRASH_AT_US)`);
  }
  const waves = task.ctx.plan ? task.ctx.plan.cuts.length : 0;
  const waveStats = new Float64Array(waves * WAVE_STAT.width);
  const faultHits = new Array<number>(task.ctx.scenario.faults.length).fill(0);
  const connStates = CONN_STATES.map(() => 0);
  const otaStates = OTA_STATES.map(() => 0);
  let events = 0;
  const rows: number[] = [];
  const levels: number[][] = [];
  const pooled = task.ctx.shards > 1;
  applyTriggers(task.ctx, task.triggers);
  for (const h of task.shards) {
    const sh = shardFor(task.ctx, h);
    sh.rolloutState = task.rollout;
    sh.waveStats = waveStats;
    sh.faultHits.fill(0);
    if (task.queueLevels) setQueueLevels(sh, task.queueLevels, task.fromUs);
    events += advanceShard(sh, task.fromUs, task.toUs);
    if (pooled) levels.push(queueLevels(sh, task.toUs));
    if (task.final) {
      countNotReconnected(sh);
      failHeldAtEnd(sh);
      settleCommandsAtEnd(sh, task.toUs);
      siteRows(sh, rows);
    }
    sh.faultHits.forEach((v, i) => (faultHits[i] = (faultHits[i] as number) + v));
    for (let s = 0; s < connStates.length; s++)
      connStates[s] = (connStates[s] as number) + (sh.meta[META.connCounts + s] as number);
    for (let s = 0; s < otaStates.length; s++)
      otaStates[s] = (otaStates[s] as number) + (sh.meta[META.otaCounts + s] as number);
  }
  return {
    snapshot: recorder.snapshot(),
    connStates,
    otaStates,
    waveStats: Array.from(waveStats),
    faultHits,
    ...(rows.length > 0 ? { siteRows: rows } : {}),
    outcomes: outcomes.drain(),
    events,
    queueLevels: levels,
  };
}

function cohorts(task: CohortsTask): CohortsResult {
  const plan = task.ctx.cohorts ?? null;
  const sums =
    plan === null
      ? []
      : task.shards.map((h) => Array.from(collectCohorts(shardFor(task.ctx, h), plan, task.atUs)));
  if (task.siteRows !== true) return { sums };
  const rows: number[] = [];
  for (const h of task.shards) siteRows(shardFor(task.ctx, h), rows);
  return { sums, siteRows: rows };
}

export default function run(task: Task): InitResult | AdvanceResult | CohortsResult {
  if (task.kind === 'init') return init(task);
  return task.kind === 'cohorts' ? cohorts(task) : advance(task);
}
