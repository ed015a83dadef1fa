// Merging the non-metric parts of shard reports: run status, fault timeline, rollout waves,
// device outcomes and run facts.
import type {
  DeviceOutcome,
  FaultTimelineEntry,
  Report,
  RolloutReport,
  RunStatus,
  WaveReport,
} from './report-types.js';

/** Worst first: the merged run is as complete as its least complete shard. */
const STATUS_SEVERITY: readonly RunStatus[] = ['crashed', 'aborted', 'interrupted', 'completed'];

export function mergeStatus(
  reports: readonly Report[],
  labels: string[],
): Pick<Report, 'status' | 'statusReason'> {
  const rank = (s: RunStatus): number => STATUS_SEVERITY.indexOf(s);
  const worst = reports.reduce((w, r) => (rank(r.status) < rank(w.status) ? r : w));
  if (worst.status === 'completed') return { status: 'completed', statusReason: null };
  const reasons = reports
    .map((r, i) => ({ r, label: labels[i] }))
    .filter(({ r }) => r.status === worst.status)
    .map(({ r, label }) => `${label}: ${r.statusReason ?? r.status}`);
  return { status: worst.status, statusReason: reasons.join('; ') };
}

/**
 * Fault entries combine by faultId and occurrence: the k-th entry of a fault in one shard is
 * the same occurrence as the k-th in another (a recurring fault has one entry per occurrence).
 */
export function mergeFaults(lists: readonly FaultTimelineEntry[][]): FaultTimelineEntry[] {
  const merged = new Map<string, FaultTimelineEntry>();
  for (const list of lists) {
    const seen = new Map<string, number>();
    for (const f of list) {
      const k = seen.get(f.faultId) ?? 0;
      seen.set(f.faultId, k + 1);
      const key = `${f.faultId}#${k}`;
      const cur = merged.get(key);
      if (!cur) {
        merged.set(key, { ...f });
        continue;
      }
      const end = Math.max(cur.atUs + cur.durationUs, f.atUs + f.durationUs);
      cur.atUs = Math.min(cur.atUs, f.atUs);
      cur.durationUs = end - cur.atUs;
      cur.devicesHit += f.devicesHit;
    }
  }
  return [...merged.values()].sort(
    (a, b) => a.atUs - b.atUs || (a.faultId < b.faultId ? -1 : a.faultId > b.faultId ? 1 : 0),
  );
}

function minOrNull(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length === 0 ? null : Math.min(...xs);
}

function mergeWave(waves: WaveReport[]): WaveReport {
  const sum = (pick: (w: WaveReport) => number): number => waves.reduce((s, w) => s + pick(w), 0);
  // A wave has ended only when it ended in every shard that started it.
  const started = waves.filter((w) => w.startedAtUs !== null);
  const ended = started.every((w) => w.endedAtUs !== null);
  return {
    index: (waves[0] as WaveReport).index,
    startedAtUs: minOrNull(waves.map((w) => w.startedAtUs)),
    endedAtUs: started.length > 0 && ended ? Math.max(...started.map((w) => w.endedAtUs as number)) : null,
    targeted: sum((w) => w.targeted),
    offered: sum((w) => w.offered),
    succeeded: sum((w) => w.succeeded),
    failed: sum((w) => w.failed),
    rolledBack: sum((w) => w.rolledBack),
    bricked: sum((w) => w.bricked),
    pending: sum((w) => w.pending),
  };
}

const ROLLOUT_PRECEDENCE: readonly RolloutReport['state'][] = ['aborted', 'paused', 'running'];

function mergeRolloutState(rollouts: RolloutReport[]): Pick<RolloutReport, 'state' | 'stateReason'> {
  const pick = (state: RolloutReport['state']): Pick<RolloutReport, 'state' | 'stateReason'> => ({
    state,
    stateReason: rollouts.find((r) => r.state === state)?.stateReason ?? null,
  });
  for (const state of ROLLOUT_PRECEDENCE) if (rollouts.some((r) => r.state === state)) return pick(state);
  if (rollouts.every((r) => r.state === 'done')) return pick('done');
  if (rollouts.every((r) => r.state === 'pending')) return pick('pending');
  return { state: 'running', stateReason: null };
}

export function mergeRollout(list: readonly (RolloutReport | null)[]): RolloutReport | null {
  const rollouts = list.filter((r): r is RolloutReport => r !== null);
  const first = rollouts[0];
  if (!first) return null;
  const byIndex = new Map<number, WaveReport[]>();
  for (const w of rollouts.flatMap((r) => r.waves))
    byIndex.set(w.index, [...(byIndex.get(w.index) ?? []), w]);
  const waves = [...byIndex.keys()].sort((a, b) => a - b).map((i) => mergeWave(byIndex.get(i) ?? []));
  return { version: first.version, ...mergeRolloutState(rollouts), waves };
}

export function mergeOutcomes(list: readonly Report['outcomes'][]): Report['outcomes'] {
  // Device ids are global across shards, so samples never collide; keep the engine's sample size.
  const limit = Math.max(0, ...list.map((o) => o.sample.length));
  const sample: DeviceOutcome[] = list
    .flatMap((o) => o.sample)
    .sort((a, b) => a.device - b.device)
    .slice(0, limit);
  return { total: list.reduce((s, o) => s + o.total, 0), sample, file: null };
}

export function mergeRun(runs: readonly Report['run'][]): Report['run'] {
  const first = runs[0] as Report['run'];
  return {
    startedAt: runs.map((r) => r.startedAt).sort()[0] ?? first.startedAt,
    wallMs: Math.max(...runs.map((r) => r.wallMs)),
    node: first.node,
    platform: first.platform,
    workers: runs.reduce((s, r) => s + r.workers, 0),
    eventsProcessed: runs.reduce((s, r) => s + r.eventsProcessed, 0),
    outDir: null,
  };
}

/** Warnings of all shards, each once, in first-seen order. */
export function mergeWarnings(lists: readonly string[][], extra: string[]): string[] {
  return [...new Set([...lists.flat(), ...extra])];
}
