// Rollout and fault sections of the text summary.
import { formatCount, formatDurationUs } from '../metrics/units.js';
import { devicesText, faultFacts, plural, type FaultFact } from './fault-facts.js';
import type { Report } from './report-types.js';
import { table } from './text-table.js';

const MAX_FAULT_LINES = 10;

export function rolloutLines(r: Report): string[] {
  const ro = r.rollout;
  if (!ro) return [];
  const reason = ro.stateReason ? ` (${ro.stateReason})` : '';
  const rows = [
    ['wave', 'started', 'targeted', 'offered', 'succeeded', 'failed', 'rolled back', 'bricked', 'pending'],
  ];
  for (const w of ro.waves) {
    rows.push([
      String(w.index),
      w.startedAtUs === null ? '-' : formatDurationUs(w.startedAtUs),
      ...[w.targeted, w.offered, w.succeeded, w.failed, w.rolledBack, w.bricked, w.pending].map(formatCount),
    ]);
  }
  return [`rollout ${ro.version}: ${ro.state}${reason}`, ...table(rows)];
}

/** `13,007 injected (radio-drop 12,932, battery-flat 74, backend-outage 1)`, from the counters. */
function injectedText(r: Report): string {
  const prefix = 'faults_injected_total{type="';
  const parts = Object.entries(r.metrics.counters)
    .filter(([name, v]) => name.startsWith(prefix) && v > 0)
    .map(([name, v]) => ({ type: name.slice(prefix.length, -2), v }));
  const total = parts.reduce((n, p) => n + p.v, 0);
  const by = parts.map((p) => `${p.type} ${formatCount(p.v)}`).join(', ');
  return `${formatCount(total)} injected (faults_injected_total${by === '' ? '' : `: ${by}`})`;
}

/** Rows of one fault: one per occurrence, or one for a fault drawn per device in a state. */
function factRows(f: FaultFact): string[][] {
  if (f.when.startsWith('during ')) {
    const first = f.entries[0]?.atUs ?? 0;
    const last = f.entries[f.entries.length - 1];
    const span = `${formatDurationUs(first)}..${formatDurationUs((last?.atUs ?? 0) + (last?.durationUs ?? 0))}`;
    const hit = `${devicesText(f.devicesHit)} in ${plural(f.entries.length, 'interval')} (${span})`;
    return [[f.id, f.type, f.when, hit, f.lasting]];
  }
  const cond = f.when.startsWith('when ') ? f.when : '';
  return f.entries.map((e) => [
    f.id,
    f.type,
    `at ${formatDurationUs(e.atUs)}`,
    devicesText(e.devicesHit),
    [f.lasting, cond].filter((x) => x !== '').join('  '),
  ]);
}

export function faultLines(r: Report): string[] {
  const fired = new Set(r.faults.map((f) => f.faultId));
  // A `when` fault whose condition never held: worth saying, it may be why a run looks calm.
  const neverStarted = r.scenario.faults
    .filter((f) => (f.when ?? null) !== null && !fired.has(f.id))
    .map((f) => `  ${f.id}  ${f.type}: never started (when ${f.when} did not hold)`);
  if (r.faults.length === 0 && neverStarted.length === 0) return [];
  const rows = faultFacts(r).flatMap(factRows);
  const shown = rows.slice(0, MAX_FAULT_LINES);
  const more = rows.length - shown.length;
  return [
    `faults: ${injectedText(r)}`,
    ...table(shown, '  ', ['left', 'left', 'left', 'right', 'left']),
    ...(more > 0 ? [`  ... ${more} more in report.json`] : []),
    ...neverStarted,
  ];
}
