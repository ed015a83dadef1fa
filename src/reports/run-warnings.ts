// Warnings that keep a verdict honest: what the scenario asked for and the run did not have.
// First what the scenario alone decides (src/scenario/vacuity.ts: outside the run, selects
// nobody), then what only the run shows: a rollout offered to no device, a fault occurrence that
// hit no device, a `when` fault whose condition never held. A pure function of the report, so
// `report merge` drops each shard's list and works it out again on the merged report.
import { formatCount } from '../metrics/units.js';
import { faultLabel, planWarnings } from '../scenario/vacuity.js';
import type { FaultConfig } from '../scenario/types.js';
import { entriesById } from './fault-facts.js';
import type { FaultTimelineEntry, Report } from './report-types.js';

export type WarningInputs = Pick<Report, 'scenario' | 'faults' | 'metrics' | 'status'>;

const BACKEND_WIDE = new Set(['backend-outage', 'backend-slow', 'broker-reject']);

const devices = (n: number): string => `${formatCount(n)} device${n === 1 ? '' : 's'}`;

function rolloutWarning(r: WarningInputs): string | null {
  const ro = r.scenario.rollout;
  if (ro === null) return null;
  const targeted = r.metrics.counters['ota_targeted_total'] ?? 0;
  const offered = r.metrics.counters['ota_offered_total'] ?? 0;
  const name = `rollout ${ro.firmware.version}`;
  if (targeted === 0) return `${name} targets no device: its selector matched none of the fleet`;
  if (offered === 0 && r.status === 'completed')
    return `${name} was offered to no device during the run (${devices(targeted)} targeted): every threshold on the update has no data`;
  const started = r.metrics.counters['ota_download_started_total'] ?? 0;
  if (started === 0 && offered > 0 && r.status === 'completed')
    return `${name} was offered to ${devices(offered)} and none started a download: the firmware server answered none (live: the HTTP API and its firmware route; virtual: backend.ota)`;
  return null;
}

function faultWarning(
  r: WarningInputs,
  f: FaultConfig,
  byId: Map<string, FaultTimelineEntry[]>,
): string | null {
  const entries = byId.get(f.id) ?? [];
  const label = faultLabel(f);
  if (f.when !== null && entries.length === 0) return `${label} never started: its condition did not hold`;
  if (BACKEND_WIDE.has(f.type)) return null;
  if (f.during !== null) {
    if (entries.length > 0 || r.status !== 'completed') return null;
    return `${label} hit no device: none entered ${f.during} while it could`;
  }
  const empty = entries.filter((e) => e.devicesHit === 0).length;
  if (empty === 0) return null;
  if (empty === entries.length)
    return `${label} hit no device (${entries.length} occurrence${entries.length === 1 ? '' : 's'})`;
  return `${label}: ${empty} of ${entries.length} occurrences hit no device`;
}

/** The honesty warnings of a report, plan ones first, in scenario order. */
export function runWarnings(r: WarningInputs): string[] {
  const plan = planWarnings(r.scenario);
  const out = plan.map((w) => w.text);
  const rolloutCovered = plan.some((w) => w.field === 'rollout.start' || w.field === 'rollout.selector');
  const faultCovered = new Set(
    plan.map((w) => /^faults\[(\d+)\]/.exec(w.field)?.[1]).filter((i) => i !== undefined),
  );
  if (!rolloutCovered) {
    const w = rolloutWarning(r);
    if (w !== null) out.push(w);
  }
  const byId = entriesById(r.faults);
  r.scenario.faults.forEach((f, i) => {
    if (faultCovered.has(String(i))) return;
    const w = faultWarning(r, f, byId);
    if (w !== null) out.push(w);
  });
  const cal = liveCalibrationWarning(r);
  if (cal !== null) out.push(cal);
  const short = shortQueueWarning(r);
  if (short !== null) out.push(short);
  return out;
}

/**
 * The engine runs events in ~1 s steps, not strictly in time order: a queue bound shorter than
 * that refuses more than the modelled backend would (docs/scenario-reference.md, Backend).
 */
function shortQueueWarning(r: WarningInputs): string | null {
  // A merged, hand-edited or older report may lack any of these sections (fanout: older reports).
  const b = r.scenario.backend as Partial<typeof r.scenario.backend> | undefined;
  if (r.scenario.mode !== 'virtual' || b === undefined || b === null) return null;
  type Queue = { ratePerSec: number; queueLimit: number } | null | undefined;
  const queues: [string, Queue, number][] = [
    ['connect', b.connect, b.connect?.burst ?? 1],
    ['ingest', b.ingest, 1],
    ['checkin', b.checkin, 1],
    ['fanout', b.fanout, 1],
  ];
  const short = queues
    .filter(
      ([, q, burst]) => typeof q === 'object' && q !== null && (q.queueLimit + burst) / q.ratePerSec < 1,
    )
    .map(([name]) => `backend.${name}`);
  if (short.length === 0) return null;
  return `${short.join(', ')}: queue + burst under one second of rate; virtual mode runs events in ~1 s steps and refuses more than such a backend would (keep queue + burst ≥ rate × 1s)`;
}

/** A live run measures the real backend: a calibrated model named in the scenario plays no part. */
function liveCalibrationWarning(r: WarningInputs): string | null {
  // A hand-edited or older report may lack the backend section.
  const backend = r.scenario.backend as typeof r.scenario.backend | undefined;
  const cal = backend?.calibration;
  if (cal === undefined || r.scenario.mode !== 'live') return null;
  return `backend.from (${cal.file}) is ignored in live mode: the modelled backend applies to virtual runs only`;
}
