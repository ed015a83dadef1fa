// Virtual mode: the whole world in-process, as fast as the CPU allows. Time advances one
// interval (window) at a time; at each barrier the workers' snapshots are merged in shard
// order, the rollout campaign decides, abort thresholds are checked, progress is reported.
import { randomUUID } from 'node:crypto';
import {
  campaign as campaignOf,
  intervalRollout,
  rolloutReport,
  waveCounts,
} from '../core/rollout-window.js';
import { Aggregator } from '../metrics/aggregate.js';
import type { DeviceOutcome } from '../reports/report-types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { createPool } from '../workers/pool.js';
import type {
  AdvanceResult,
  CohortsResult,
  InitResult,
  RunContext,
  ShardHandle,
} from '../workers/protocol.js';
import { addSums } from '../cohorts/collect.js';
import { pooledLevels } from '../backend-model/queue-pooling.js';
import { IntervalBarrier } from './barrier.js';
import { groupShards, setupFleet } from './fleet-setup.js';
import type { EngineOptions, EngineResult } from './engine-types.js';

export async function runVirtual(s: ResolvedScenario, opts: EngineOptions): Promise<EngineResult> {
  const fleet = setupFleet(s, randomUUID());
  const agg = new Aggregator({ intervalUs: s.intervalUs, devices: fleet.ctx.devices });
  const pool = createPool(Math.max(1, Math.min(opts.workers, fleet.handles.length)));
  const groups = groupShards(fleet.handles, pool.threads);
  const campaign = campaignOf(s, fleet.targeting?.perWave ?? []);
  const outcomes: DeviceOutcome[] = [];
  const result: EngineResult = {
    agg,
    reachedUs: 0,
    status: 'completed',
    statusReason: null,
    faults: [],
    rollout: null,
    outcomes,
    events: 0,
    workers: pool.threads,
    warnings: [],
    devices: fleet.ctx.devices,
  };
  const barrier = new IntervalBarrier(s, agg, fleet.targeting?.targeted ?? 0);
  try {
    await Promise.all(groups.map((g) => pool.run<InitResult>({ kind: 'init', ctx: fleet.ctx, shards: g })));
    const intervals = barrier.intervals;
    let queueLevels: number[] | null = null;
    for (let i = 0; i < intervals; i++) {
      const fromUs = i * s.intervalUs;
      const toUs = Math.min(s.durationUs, fromUs + s.intervalUs);
      const rollout = intervalRollout(campaign, fromUs);
      const final = i === intervals - 1;
      const results = await Promise.all(
        groups.map((g) =>
          pool.run<AdvanceResult>({
            kind: 'advance',
            ctx: fleet.ctx,
            shards: g,
            fromUs,
            toUs,
            rollout,
            final,
            triggers: barrier.when.fired,
            crashAtUs: opts.crashAtUs,
            queueLevels,
          }),
        ),
      );
      const conn = new Array<number>(results[0]?.connStates.length ?? 0).fill(0);
      const ota = new Array<number>(results[0]?.otaStates.length ?? 0).fill(0);
      const hits = new Array<number>(s.faults.length).fill(0);
      for (const r of results) {
        agg.add(i, r.snapshot);
        r.connStates.forEach((v, k) => (conn[k] = (conn[k] as number) + v));
        r.otaStates.forEach((v, k) => (ota[k] = (ota[k] as number) + v));
        r.faultHits.forEach((v, k) => (hits[k] = (hits[k] as number) + v));
        campaign?.addCounts(waveCounts(r.waveStats, campaign.waves.length));
        for (const o of r.outcomes) outcomes.push(o); // a spread of 100k+ overflows the stack
        if (r.siteRows) for (const v of r.siteRows) (result.siteRows ??= []).push(v);
        result.events += r.events;
      }
      queueLevels = pooledLevels(results.flatMap((r) => r.queueLevels)); // groups are in shard order
      const tally = { conn, ota, hits };
      barrier.close(i, fromUs, toUs, tally); // workers add the triggered faults from the next task
      if (barrier.stopsAfter(i, toUs, tally, result, opts)) break;
    }
    campaign?.evaluate(result.reachedUs);
    await endTallies(pool, groups, fleet.ctx, result);
  } catch (err) {
    result.status = 'crashed';
    result.statusReason = err instanceof Error ? err.message : String(err);
    result.crash = err;
  } finally {
    await pool.close().catch(() => undefined);
  }
  result.faults = barrier.timeline.entries(result.reachedUs);
  result.rollout = rolloutReport(s, campaign);
  return result;
}

/**
 * Where the run stopped: each shard's cohort sums, added in shard order (any worker count alike),
 * and the site rows when the run stopped before its final window collected them.
 */
async function endTallies(
  pool: ReturnType<typeof createPool>,
  groups: ShardHandle[][],
  ctx: RunContext,
  result: EngineResult,
): Promise<void> {
  const siteRows = Boolean(ctx.sites) && result.siteRows === undefined;
  if (!ctx.cohorts && !siteRows) return;
  const atUs = result.reachedUs;
  const parts = await Promise.all(
    groups.map((g) => pool.run<CohortsResult>({ kind: 'cohorts', ctx, shards: g, atUs, siteRows })),
  );
  if (ctx.cohorts) {
    let total: number[] = [];
    for (const p of parts) for (const sums of p.sums) total = addSums(total, sums);
    result.cohortSums = total;
  }
  if (siteRows) result.siteRows = parts.flatMap((p) => p.siteRows ?? []);
}
