// The rollout campaign at interval barriers, for both engines: wave starts, pause/abort, taken
// once per interval from the shards' wave tallies; and the rollout section of report.json.
import { Campaign, emptyCounts, type CampaignConfig, type WaveCounts } from '../backend/campaign.js';
import { HALT, WAVE_STAT, type RolloutWindowState } from '../device/rollout-plan.js';
import type { RolloutReport } from '../reports/report-types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { C } from '../metrics/catalog.js';
import type { Aggregator } from '../metrics/aggregate.js';
import { emptySnapshot } from '../metrics/recorder.js';

/** The campaign model's settings for the scenario's rollout (both engines, the live embedded desk). */
export function campaignConfigOf(
  r: NonNullable<ResolvedScenario['rollout']>,
  perWave: number[],
): CampaignConfig {
  return {
    startUs: r.startUs,
    targetedPerWave: perWave,
    waveIntervalUs: r.waveIntervalUs,
    waveWhenDoneRatio: r.waveWhenDoneRatio,
    failureLimit: r.failureLimit,
    minSample: 10,
  };
}

export function campaign(s: ResolvedScenario, perWave: number[]): Campaign | null {
  const r = s.rollout;
  if (!r) return null;
  return new Campaign(campaignConfigOf(r, perWave));
}

export function waveCounts(stats: ArrayLike<number>, waves: number): WaveCounts[] {
  const out: WaveCounts[] = [];
  for (let w = 0; w < waves; w++) {
    const c = emptyCounts();
    const at = (k: number): number => stats[w * WAVE_STAT.width + k] ?? 0;
    c.offered = at(WAVE_STAT.offered);
    c.succeeded = at(WAVE_STAT.succeeded);
    c.failed = at(WAVE_STAT.failed);
    c.rolledBack = at(WAVE_STAT.rolledBack);
    c.bricked = at(WAVE_STAT.bricked);
    out.push(c);
  }
  return out;
}

export function intervalRollout(c: Campaign | null, nowUs: number): RolloutWindowState | null {
  if (!c) return null;
  const before = c.wavesStarted;
  c.evaluate(nowUs);
  const halt = c.status === 'aborted' ? HALT.aborted : c.status === 'paused' ? HALT.paused : HALT.none;
  return {
    wavesStarted: c.wavesStarted,
    notifyFrom: before,
    halt,
    startedAtUs: c.waves[0]?.startedAtUs ?? -1,
  };
}

/** After the first tick of an interval the push notifications have gone out: no repeats. */
export function notified(st: RolloutWindowState | null): RolloutWindowState | null {
  return st === null ? null : { ...st, notifyFrom: st.wavesStarted };
}

export function rolloutReport(s: ResolvedScenario, c: Campaign | null): RolloutReport | null {
  if (!c || !s.rollout) return null;
  return {
    version: s.rollout.firmware.version,
    state: c.status,
    stateReason: c.statusReason,
    waves: c.waves.map((w) => ({
      index: w.index,
      startedAtUs: w.startedAtUs,
      endedAtUs: w.endedAtUs,
      targeted: w.targeted,
      offered: w.offered,
      succeeded: w.succeeded,
      failed: w.failed,
      rolledBack: w.rolledBack,
      bricked: w.bricked,
      pending: w.offered - w.succeeded - w.failed - w.rolledBack - w.bricked,
    })),
  };
}

/**
 * Counts the devices a rollout targets in the first interval: they are targeted from the start,
 * and fleet_on_target_ratio (a ratio of them) must be readable mid-run, by abort thresholds and
 * `when` faults.
 */
export function recordTargeted(agg: Aggregator, targeted: number): void {
  if (targeted <= 0) return;
  const snap = emptySnapshot();
  snap.counters[C.ota_targeted_total] = targeted;
  agg.add(0, snap);
}
