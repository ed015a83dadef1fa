// The live driver: one process, no worker threads. A tick loop advances every shard's calendar
// queue to the current virtual time (real elapsed × speed); socket callbacks between ticks bring
// devices' pending events forward. Interval barriers take one metrics snapshot each, exactly as
// virtual mode's windows do, so reports, thresholds and the campaign work unchanged.
import { advanceShard } from '../core/shard-sim.js';
import { addSums, collectCohorts } from '../cohorts/collect.js';
import { countNotReconnected } from '../device/connectivity.js';
import { FLAG, META } from '../core/shard-layout.js';
import { delay, monotonicMs } from '../clock/real-clock.js';
import { Aggregator } from '../metrics/aggregate.js';
import { CONN_STATES, CS, OTA_STATES } from '../metrics/catalog.js';
import { WAVE_STAT } from '../device/rollout-plan.js';
import { siteRows } from '../topology/site-rows.js';
import type { Campaign } from '../backend/campaign.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { IntervalBarrier, type WindowTally } from '../app/barrier.js';
import { triggerFault } from '../faults/plan.js';
import type { EngineOptions, EngineResult } from '../app/engine-types.js';
import type { LiveFleet } from './live-fleet.js';
import {
  campaign as liveCampaign,
  intervalRollout,
  notified,
  rolloutReport,
  waveCounts,
} from '../core/rollout-window.js';

/** Real milliseconds between ticks. */
const TICK_MS = 1;
/**
 * Real time allowed at the end for in-flight acks and deliveries to arrive while none comes;
 * each ack or delivery that comes allows as much again, up to DRAIN_MAX_MS in all (a saturated
 * generator's subscriber catches up on thousands of deliveries after the devices stop).
 */
const DRAIN_MS = 3000;
const DRAIN_MAX_MS = 30_000;

export interface LiveStats {
  maxConcurrent: number;
  peakOpen: number;
  connectWaits: number;
  sent: number;
  acked: number;
  delivered: number;
}

export interface LiveEngineResult extends EngineResult {
  live: LiveStats;
}

/** Sockets of half-open devices stop moving bytes when a half-open occurrence starts. */
function freezeHalfOpen(f: LiveFleet, fromUs: number, toUs: number): void {
  const starts = f.shards[0]?.st.faults.timed.some(
    (o) => o.fault.type === 'half-open' && o.startUs >= fromUs && o.startUs < toUs,
  );
  if (!starts) return;
  for (const sh of f.shards) {
    for (let d = 0; d < sh.st.size; d++) {
      if ((sh.a.flags[d] as number) & FLAG.halfOpen && sh.a.conn[d] === CS.connected) f.mqtt.freeze(sh, d);
    }
  }
}

async function advanceInterval(f: LiveFleet, fromUs: number, toUs: number): Promise<number> {
  let reached = fromUs;
  let events = 0;
  let first = true;
  while (reached < toUs) {
    await delay(TICK_MS);
    const v = Math.min(f.ctx.clock.now(), toUs);
    if (v <= reached) continue;
    for (const sh of f.shards) events += advanceShard(sh, reached, v);
    freezeHalfOpen(f, reached, v);
    f.commands?.tick(v);
    if (first) {
      for (const sh of f.shards) sh.rolloutState = notified(sh.rolloutState);
      first = false;
    }
    f.ctx.reachedUs = reached = v;
  }
  return events;
}

/**
 * Lets in-flight publishes be acknowledged and delivered before the last snapshot; `acked`: the
 * acknowledged publishes the subscriber is to see (shard 0's, with templated telemetry: every
 * process's).
 */
async function drain(f: LiveFleet, acked = f.mqtt.qosAcked): Promise<void> {
  const startMs = monotonicMs();
  let quietSinceMs = startMs;
  let seen = -1;
  const waitDeliveries = f.allQos1 && f.countsOwnDeliveries;
  for (;;) {
    const settled =
      f.mqtt.inFlight === 0 &&
      (!waitDeliveries || f.subscriber.delivered >= acked) &&
      (f.commands?.open ?? 0) === 0;
    const nowMs = monotonicMs();
    if (waitDeliveries && f.deliveriesComparable) f.undelivered = Math.max(0, acked - f.subscriber.delivered);
    f.drainedMs = nowMs - startMs;
    if (settled) return;
    const progress = f.subscriber.delivered + f.mqtt.qosAcked + f.mqtt.qosFailed;
    if (progress !== seen) {
      seen = progress;
      quietSinceMs = nowMs;
    }
    if (nowMs - quietSinceMs >= DRAIN_MS || nowMs - startMs >= DRAIN_MAX_MS) return;
    await delay(10);
  }
}

function states(f: LiveFleet): { conn: number[]; ota: number[] } {
  const conn = CONN_STATES.map(() => 0);
  const ota = OTA_STATES.map(() => 0);
  for (const sh of f.shards) {
    conn.forEach((v, s) => (conn[s] = v + (sh.meta[META.connCounts + s] as number)));
    ota.forEach((v, s) => (ota[s] = v + (sh.meta[META.otaCounts + s] as number)));
  }
  return { conn, ota };
}

/** The rollout campaign and the wave tallies the shards write into during a window. */
interface Rollout {
  campaign: Campaign | null;
  waveStats: Float64Array<ArrayBuffer>;
}

/** Takes window i's snapshot and tallies from every shard. */
function collectWindow(f: LiveFleet, ro: Rollout, i: number, result: EngineResult): WindowTally {
  result.agg.add(i, f.ctx.rec.snapshot());
  ro.campaign?.addCounts(waveCounts(ro.waveStats, ro.campaign.waves.length));
  const hits: number[] = [];
  const perFault = f.shards[0]?.faultHits.length ?? 0;
  for (let k = 0; k < perFault; k++)
    hits.push(f.shards.reduce((n, sh) => n + (sh.faultHits[k] as number), 0));
  for (const o of f.outcomes.drain()) result.outcomes.push(o); // no spread: it can be 100k+
  return { ...states(f), hits };
}

export async function driveLive(
  s: ResolvedScenario,
  f: LiveFleet,
  opts: EngineOptions,
  result: LiveEngineResult,
): Promise<void> {
  const waves = f.setup.ctx.plan ? f.setup.ctx.plan.cuts.length : 0;
  const b: Rollout = {
    campaign: liveCampaign(s, f.setup.targeting?.perWave ?? []),
    waveStats: new Float64Array(waves * WAVE_STAT.width),
  };
  const barrier = new IntervalBarrier(s, result.agg, f.setup.targeting?.targeted ?? 0);
  const intervals = barrier.intervals;
  const plans = new Set(f.shards.map((sh) => sh.st.faults));
  f.ctx.clock.start();
  try {
    for (let i = 0; i < intervals; i++) {
      const fromUs = i * s.intervalUs;
      const toUs = Math.min(s.durationUs, fromUs + s.intervalUs);
      const rollout = intervalRollout(b.campaign, fromUs);
      b.waveStats.fill(0);
      for (const sh of f.shards) {
        sh.rolloutState = rollout;
        sh.waveStats = b.waveStats;
        sh.faultHits.fill(0);
      }
      if (opts.crashAtUs !== undefined && fromUs >= opts.crashAtUs) {
        throw new Error(
          `live driver crash requested at ${opts.crashAtUs}us (FLEETSTORM_SELFTEST_CRASH_AT_US)`,
        );
      }
      result.events += await advanceInterval(f, fromUs, toUs);
      const final = i === intervals - 1;
      if (final) {
        await drain(f);
        // --processes N: shard 0 counts every process's templated telemetry; wait for the last.
        const all = await opts.sync?.end(f.mqtt.qosAcked);
        if (all != null && f.subscriber.countsEveryShard) await drain(f, all);
        for (const sh of f.shards) countNotReconnected(sh);
        f.mqtt.countPendingConnects(); // no CONNACK by the end: failed, not forgotten
        f.commands?.settleAtEnd(); // no reply by the end: unanswered
      }
      const tally = collectWindow(f, b, i, result);
      for (const t of barrier.close(i, fromUs, toUs, tally)) {
        for (const plan of plans) triggerFault(plan, s, t.index, t.atUs);
      }
      if (barrier.stopsAfter(i, toUs, tally, result, opts)) break;
    }
    b.campaign?.evaluate(result.reachedUs);
  } finally {
    f.ctx.closing = true;
  }
  const plan = f.setup.ctx.cohorts ?? null;
  if (plan !== null) {
    let sums: number[] = [];
    for (const sh of f.shards) sums = addSums(sums, collectCohorts(sh, plan, result.reachedUs));
    result.cohortSums = sums;
  }
  if (f.setup.ctx.sites) {
    const rows: number[] = [];
    for (const sh of f.shards) siteRows(sh, rows);
    result.siteRows = rows;
  }
  result.faults = barrier.timeline.entries(result.reachedUs);
  result.rollout = rolloutReport(s, b.campaign);
}

export function newLiveResult(s: ResolvedScenario, f: LiveFleet): LiveEngineResult {
  return {
    agg: new Aggregator({ intervalUs: s.intervalUs, devices: f.setup.ctx.devices }),
    reachedUs: 0,
    status: 'completed',
    statusReason: null,
    faults: [],
    rollout: null,
    outcomes: [],
    events: 0,
    workers: 1,
    warnings: [],
    devices: f.setup.ctx.devices,
    live: {
      maxConcurrent: s.live.maxConcurrentConnections,
      peakOpen: 0,
      connectWaits: 0,
      sent: 0,
      acked: 0,
      delivered: 0,
    },
  };
}
