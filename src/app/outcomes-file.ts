// Per-device outcomes (failed, rolled back, bricked) with their event trails, as NDJSON (one
// device per line, for jq) and CSV (one device per row, trail flattened), next to report.json.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceOutcome } from '../reports/report-types.js';

export const OUTCOMES_NDJSON = 'outcomes.ndjson';
export const OUTCOMES_CSV = 'outcomes.csv';

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function outcomesCsv(items: readonly DeviceOutcome[]): string {
  const rows = ['device,device_type,outcome,trail'];
  for (const o of items) {
    const trail = o.trail.map((e) => `${(e.atUs / 1e6).toFixed(3)}s:${e.event}`).join(' ');
    rows.push([String(o.device), csvCell(o.deviceType), o.outcome, csvCell(trail)].join(','));
  }
  return rows.join('\n') + '\n';
}

export async function writeOutcomes(dir: string, items: readonly DeviceOutcome[]): Promise<void> {
  await writeFile(
    join(dir, OUTCOMES_NDJSON),
    items.map((o) => JSON.stringify(o)).join('\n') + (items.length ? '\n' : ''),
  );
  await writeFile(join(dir, OUTCOMES_CSV), outcomesCsv(items));
}
