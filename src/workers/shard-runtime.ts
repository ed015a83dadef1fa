// What a worker thread keeps between tasks: compiled run parameters and Shard views, cached by
// run id. Nothing here is needed for correctness (it can all be rebuilt from the task), so any
// thread may advance any shard.
import { Shard, type ShardStatic } from '../core/shard.js';
import { modelShare, splitInt } from '../backend-model/share.js';
import { virtualPort } from '../backend-model/virtual-port.js';
import { compileFaults, triggerFault, type FaultPlan } from '../faults/plan.js';
import type { FaultTrigger } from '../faults/when.js';
import { compileType, typeOrder, type TypeParams } from '../device/params.js';
import { Recorder } from '../metrics/recorder.js';
import { OutcomeLog } from '../device/outcome-log.js';
import { compileOperations, type OperationsPlan } from '../device/operation-plan.js';
import { VIRTUAL_EPOCH_MS, attachPrograms } from '../program/attach.js';
import type { RunContext, ShardHandle } from './protocol.js';
import type { DeviceType } from '../scenario/types.js';
import { drainFactors } from '../cohorts/run-plan.js';

interface RunCache {
  types: TypeParams[];
  faults: FaultPlan;
  /** The modelled operator's commands (virtual mode), or null. */
  operations: OperationsPlan | null;
  shards: Map<number, Shard>;
  drainByFw: Float64Array | null;
}

const runs = new Map<string, RunCache>();
export const recorder = new Recorder();
export const outcomes = new OutcomeLog();

function runCache(ctx: RunContext): RunCache {
  let rc = runs.get(ctx.runId);
  if (!rc) {
    runs.clear(); // one run at a time per pool
    const s = ctx.scenario;
    rc = {
      types: typeOrder(s).map((n) => compileType(s.deviceTypes[n] as DeviceType)),
      faults: compileFaults(s),
      operations: compileOperations(s),
      shards: new Map(),
      drainByFw: drainFactors(s),
    };
    runs.set(ctx.runId, rc);
  }
  return rc;
}

/** Adds the occurrences of `when` faults triggered at earlier barriers (idempotent). */
export function applyTriggers(ctx: RunContext, triggers: readonly FaultTrigger[]): void {
  const rc = runCache(ctx);
  for (const t of triggers) triggerFault(rc.faults, ctx.scenario, t.index, t.atUs);
}

/** Capacity is shared over every shard of the whole fleet, also when this run is one --shard. */
function capacityParts(ctx: RunContext): { parts: number; offset: number } {
  const sh = ctx.scenario.shard;
  return sh
    ? { parts: ctx.shards * sh.count, offset: sh.index * ctx.shards }
    : { parts: ctx.shards, offset: 0 };
}

export function shardFor(ctx: RunContext, h: ShardHandle): Shard {
  const rc = runCache(ctx);
  let sh = rc.shards.get(h.shard);
  if (!sh) {
    const { parts, offset } = capacityParts(ctx);
    const share = modelShare(ctx.scenario.backend, parts, offset + h.shard);
    const campaignCap = ctx.scenario.rollout?.maxConcurrentDownloads ?? null;
    if (campaignCap !== null) {
      share.otaMaxConcurrent = Math.min(
        share.otaMaxConcurrent,
        Math.max(1, splitInt(campaignCap, parts, offset + h.shard)),
      );
    }
    const st: ShardStatic = {
      shard: h.shard,
      shards: ctx.shards,
      seed: ctx.scenario.seed,
      stride: ctx.scenario.shard?.count ?? 1,
      offset: ctx.scenario.shard?.index ?? 0,
      size: h.size,
      types: rc.types,
      share,
      rollout: ctx.plan,
      faults: rc.faults,
      port: virtualPort,
      sites: ctx.sites ?? null,
      cohorts: ctx.cohorts ?? null,
      drainByFw: rc.drainByFw,
    };
    sh = new Shard(h.buf, st, recorder, outcomes);
    sh.operations = rc.operations;
    attachPrograms(sh, ctx.scenario, rc.types, {
      runId: ctx.runId,
      epochMs: VIRTUAL_EPOCH_MS,
      localDelivery: true,
    });
    rc.shards.set(h.shard, sh);
  }
  return sh;
}
