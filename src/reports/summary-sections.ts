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

export function faultLines(r: Report): string[] {
  if (r.faults.length === 0) return [];
  const shown = r.faults
    .slice(0, MAX_FAULT_LINES)
    .map((f) => [
      f.faultId,
      f.type,
      `at ${formatDurationUs(f.atUs)}`,
      `for ${formatDurationUs(f.durationUs)}`,
      `${formatCount(f.devicesHit)} devices`,
    ]);
  const more = r.faults.length - shown.length;
  return [
    `faults: ${r.faults.length} injected`,
    ...table(shown),
    ...(more > 0 ? [`  ... ${more} more in report.json`] : []),
  ];
}
