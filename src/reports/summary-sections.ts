// Rollout and fault sections of the text summary.
import { formatCount, formatDurationUs } from '../metrics/units.js';
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

/** The `when` condition of a fault, by timeline id ('' for other faults or older reports). */
function whenOf(r: Report, faultId: string): string {
  const cond = r.scenario.faults.find((f) => f.id === faultId)?.when ?? null;
  return cond === null ? '' : `when ${cond}`;
}

export function faultLines(r: Report): string[] {
  const fired = new Set(r.faults.map((f) => f.faultId));
  // A `when` fault whose condition never held: worth saying, it may be why a run looks calm.
  const neverStarted = r.scenario.faults
    .filter((f) => (f.when ?? null) !== null && !fired.has(f.id))
    .map((f) => `  ${f.id}  ${f.type}: never started (when ${f.when} did not hold)`);
  if (r.faults.length === 0 && neverStarted.length === 0) return [];
  const shown = r.faults
    .slice(0, MAX_FAULT_LINES)
    .map((f) => [
      f.faultId,
      f.type,
      `at ${formatDurationUs(f.atUs)}`,
      `for ${formatDurationUs(f.durationUs)}`,
      `${formatCount(f.devicesHit)} devices`,
      whenOf(r, f.faultId),
    ]);
  const more = r.faults.length - shown.length;
  return [
    `faults: ${r.faults.length} injected`,
    ...table(shown, '  ', ['left', 'right', 'right', 'right', 'right', 'left']),
    ...(more > 0 ? [`  ... ${more} more in report.json`] : []),
    ...neverStarted,
  ];
}
