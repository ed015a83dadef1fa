// What each fault of a run did, for the summary's fault block and the HTML timeline: when it
// fired, the devices each occurrence hit, how many injections it adds to faults_injected_total
// (one per device hit; one per occurrence for faults on the whole backend), and the durations
// drawn per device (uniform in the scenario's range: min / median / max), or none for a fault
// that acts at once (a flat battery, a corrupt image).
import { formatCount, formatDurationUs } from '../metrics/units.js';
import type { FaultConfig } from '../scenario/types.js';
import type { FaultTimelineEntry, Report } from './report-types.js';

const BACKEND_WIDE = new Set(['backend-outage', 'backend-slow', 'broker-reject']);
const INSTANT = new Set(['battery-flat', 'corrupt-image']);

export interface FaultFact {
  id: string;
  type: string;
  /** `at 6h`, `every 2h from 1h`, `during ota.downloading`, `when <condition>`. */
  when: string;
  /** Timeline entries of this fault, in time order. */
  entries: FaultTimelineEntry[];
  devicesHit: number;
  /** What it adds to faults_injected_total. */
  injected: number;
  /** `for 15m`, `for 30s / 5m15s / 10m (min / median / max, drawn per device)`, or '' (instant). */
  lasting: string;
}

/** `1 device`, `2,074 devices`. */
export function devicesText(n: number): string {
  return `${formatCount(n)} device${n === 1 ? '' : 's'}`;
}

export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

function whenText(f: FaultConfig): string {
  if (f.during !== null) return `during ${f.during}`;
  if (f.when !== null) return `when ${f.when}`;
  const at = formatDurationUs(f.atUs ?? 0);
  return f.everyUs !== null ? `every ${formatDurationUs(f.everyUs)} from ${at}` : `at ${at}`;
}

export function lastingText(
  f: Pick<FaultConfig, 'type' | 'durationUs'> & { who?: FaultConfig['who'] },
): string {
  const { min, max } = f.durationUs;
  if (INSTANT.has(f.type) || max <= 0) return '';
  if (min === max) return `for ${formatDurationUs(max)}`;
  const median = Math.round((min + max) / 2);
  const d = formatDurationUs;
  // A fault on whole sites draws one length per site: its devices drop and come back together.
  const per = f.who?.sites ? 'site' : 'device';
  return `for ${d(min)} / ${d(median)} / ${d(max)} (min / median / max, drawn per ${per})`;
}

/** For a chart label: `for 15m`, `30s..10m per device`, or '' (instant). */
export function lastingShort(f: Pick<FaultConfig, 'type' | 'durationUs'>): string {
  const { min, max } = f.durationUs;
  if (INSTANT.has(f.type) || max <= 0) return '';
  if (min === max) return `for ${formatDurationUs(max)}`;
  return `${formatDurationUs(min)}..${formatDurationUs(max)} per device`;
}

/** Timeline entries grouped by fault id, in one pass (a report may hold millions of firings). */
export function entriesById(faults: readonly FaultTimelineEntry[]): Map<string, FaultTimelineEntry[]> {
  const byId = new Map<string, FaultTimelineEntry[]>();
  for (const e of faults) {
    const list = byId.get(e.faultId);
    if (list) list.push(e);
    else byId.set(e.faultId, [e]);
  }
  return byId;
}

/** `backend-outage (brokers 0, 2)` for an outage of some brokers; the type otherwise. */
function typeText(f: FaultConfig): string {
  const brokers = (f.params as Partial<FaultConfig['params']> | undefined)?.brokers;
  if (!Array.isArray(brokers)) return f.type;
  return `${f.type} (broker${brokers.length === 1 ? '' : 's'} ${brokers.join(', ')})`;
}

/** One fact per fault of the scenario that fired, in scenario order. */
export function faultFacts(r: Pick<Report, 'scenario' | 'faults'>): FaultFact[] {
  const facts: FaultFact[] = [];
  const byId = entriesById(r.faults);
  for (const f of r.scenario.faults) {
    const entries = [...(byId.get(f.id) ?? [])].sort((a, b) => a.atUs - b.atUs);
    if (entries.length === 0) continue;
    const devicesHit = entries.reduce((n, e) => n + e.devicesHit, 0);
    facts.push({
      id: f.id,
      type: typeText(f),
      when: whenText(f),
      entries,
      devicesHit,
      injected: BACKEND_WIDE.has(f.type) ? entries.length : devicesHit,
      lasting: lastingText(f),
    });
  }
  // Entries of faults the scenario does not name (a hand-made or older report): as timed.
  const known = new Set(r.scenario.faults.map((f) => f.id));
  for (const e of r.faults.filter((x) => !known.has(x.faultId))) {
    const lasting = lastingText({
      type: e.type as FaultConfig['type'],
      durationUs: { min: e.durationUs, max: e.durationUs },
    });
    const injected = BACKEND_WIDE.has(e.type) ? 1 : e.devicesHit;
    facts.push({
      id: e.faultId,
      type: e.type,
      when: `at ${formatDurationUs(e.atUs)}`,
      entries: [e],
      devicesHit: e.devicesHit,
      injected,
      lasting,
    });
  }
  return facts;
}
