// A virtual run in the calling thread: the same fleet setup, worker entry (src/workers/worker.ts),
// shards, device state machine, program host and backend model as `fleetstorm run`, advanced
// window by window as src/app/virtual-engine.ts does, only without the worker pool. A unit test
// simulating one device needs no threads, and its program (with the test's closures) can stay an
// object of the test's own module graph.
import { randomUUID } from 'node:crypto';
import { pooledLevels } from '../backend-model/queue-pooling.js';
import { IntervalBarrier } from '../app/barrier.js';
import { setupFleet } from '../app/fleet-setup.js';
import { campaign as campaignOf, intervalRollout, waveCounts } from '../core/rollout-window.js';
import { Aggregator } from '../metrics/aggregate.js';
import type { DeviceOutcome } from '../reports/report-types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { AdvanceResult } from '../workers/protocol.js';
import runTask from '../workers/worker.js';

export interface InThreadResult {
  agg: Aggregator;
  outcomes: DeviceOutcome[];
  events: number;
  /** Virtual time the run reached (µs). */
  reachedUs: number;
}

function sumInto(into: number[], add: readonly number[]): void {
  add.forEach((v, k) => (into[k] = (into[k] ?? 0) + v));
}

/** Runs the virtual scenario `s` to its end in this thread. */
export function runInThread(s: ResolvedScenario): InThreadResult {
  const fleet = setupFleet(s, `in-thread-${randomUUID()}`);
  const agg = new Aggregator({ intervalUs: s.intervalUs, devices: fleet.ctx.devices });
  const campaign = campaignOf(s, fleet.targeting?.perWave ?? []);
  const barrier = new IntervalBarrier(s, agg, fleet.targeting?.targeted ?? 0);
  const outcomes: DeviceOutcome[] = [];
  const shards = fleet.handles;
  let events = 0;
  let reachedUs = 0;
  runTask({ kind: 'init', ctx: fleet.ctx, shards });
  let queueLevels: number[] | null = null;
  for (let i = 0; i < barrier.intervals; i++) {
    const fromUs = i * s.intervalUs;
    const toUs = Math.min(s.durationUs, fromUs + s.intervalUs);
    const r = runTask({
      kind: 'advance',
      ctx: fleet.ctx,
      shards,
      fromUs,
      toUs,
      rollout: intervalRollout(campaign, fromUs),
      final: i === barrier.intervals - 1,
      triggers: barrier.when.fired,
      queueLevels,
    }) as AdvanceResult;
    queueLevels = pooledLevels(r.queueLevels);
    agg.add(i, r.snapshot);
    campaign?.addCounts(waveCounts(r.waveStats, campaign.waves.length));
    for (const o of r.outcomes) outcomes.push(o);
    events += r.events;
    const conn: number[] = [];
    const ota: number[] = [];
    const hits: number[] = [];
    sumInto(conn, r.connStates);
    sumInto(ota, r.otaStates);
    sumInto(hits, r.faultHits);
    barrier.close(i, fromUs, toUs, { conn, ota, hits });
    reachedUs = toUs;
  }
  campaign?.evaluate(reachedUs);
  return { agg, outcomes, events, reachedUs };
}
