// Per-device outcomes (failed, rolled back, bricked) with their event trails, as NDJSON (one
// device per line, for jq) and CSV (one device per row, trail flattened), next to report.json.
// Shard reports (`--shard`, `--processes`) each have their own; merging concatenates them in
// device order (device ids are global across shards).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceOutcome, Report } from '../reports/report-types.js';

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

/** The outcomes file a report names, read from its directory; null if it names none or is gone. */
async function readOutcomes(dir: string, report: Report): Promise<DeviceOutcome[] | null> {
  if (report.outcomes.file === null) return null;
  let text: string;
  try {
    text = await readFile(join(dir, report.outcomes.file), 'utf8');
  } catch {
    return null;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DeviceOutcome);
}

/**
 * The outcomes of every shard, in device order; null when a shard has no outcomes file (the
 * merged report then names none rather than a partial list).
 */
export async function mergeShardOutcomes(
  shards: readonly { report: Report; dir: string }[],
): Promise<DeviceOutcome[] | null> {
  const all: DeviceOutcome[] = [];
  for (const { report, dir } of shards) {
    const items = await readOutcomes(dir, report);
    if (items === null) return null;
    all.push(...items);
  }
  return all.sort((a, b) => a.device - b.device);
}
