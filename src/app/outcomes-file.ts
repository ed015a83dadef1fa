// Per-device outcomes (update failed, rolled back, bricked; command answered with an error or not
// at all, with the operation's name) with their event trails, as NDJSON (one
// device per line, for jq) and CSV (one device per row, trail flattened), next to report.json.
// Shard reports (`--shard`, `--processes`) each have their own; merging concatenates them in
// device order (device ids are global across shards).
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { writeAtomic } from '../reports/atomic-write.js';
import { Checker, checkOutcome, isPlainFileName } from '../reports/read-report.js';
import type { DeviceOutcome, Report } from '../reports/report-types.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { hasPrograms } from '../program/paths.js';

export const OUTCOMES_NDJSON = 'outcomes.ndjson';
export const OUTCOMES_CSV = 'outcomes.csv';

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function outcomesCsv(items: readonly DeviceOutcome[]): string {
  const rows = ['device,device_type,outcome,trail,operation'];
  for (const o of items) {
    const trail = o.trail.map((e) => `${(e.atUs / 1e6).toFixed(3)}s:${e.event}`).join(' ');
    const operation = csvCell(o.operation ?? '');
    rows.push([String(o.device), csvCell(o.deviceType), o.outcome, csvCell(trail), operation].join(','));
  }
  return rows.join('\n') + '\n';
}

/** A run writes the outcomes files when it has a rollout or operations (both list devices). */
export function writesOutcomes(s: ResolvedScenario): boolean {
  return s.rollout !== null || (s.operations ?? []).length > 0 || hasPrograms(s);
}

export async function writeOutcomes(dir: string, items: readonly DeviceOutcome[]): Promise<void> {
  const ndjson = items.map((o) => JSON.stringify(o)).join('\n') + (items.length ? '\n' : '');
  for (const [name, text] of [
    [OUTCOMES_NDJSON, ndjson],
    [OUTCOMES_CSV, outcomesCsv(items)],
  ] as const) {
    try {
      await writeAtomic(join(dir, name), text);
    } catch (e) {
      throw new ToolError(
        'FLEETSTORM_ERR_OUTPUT_DIR',
        `could not write ${name} (${(e as NodeJS.ErrnoException).code ?? 'error'}); the report files were written`,
        {
          where: dir,
          fix: 'free disk space or choose another folder with --out',
        },
      );
    }
  }
}

/** The outcomes file a report names, read from its directory; null if it names none or is gone. */
async function readOutcomes(dir: string, report: Report): Promise<DeviceOutcome[] | null> {
  const name = report.outcomes.file;
  // A report is untrusted input: the file stays in the report's own folder and is no link.
  if (name === null || !isPlainFileName(name)) return null;
  const path = join(dir, name);
  let text: string;
  try {
    if (!(await lstat(path)).isFile()) return null;
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  return parseOutcomes(text, path);
}

/** outcomes.ndjson, one device per line; a truncated or edited line is a one-line error. */
export function parseOutcomes(text: string, path: string): DeviceOutcome[] {
  const items: DeviceOutcome[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ToolError('FLEETSTORM_ERR_REPORT_INPUT', 'not a JSON line (truncated or edited?)', {
        where,
        got: line.length > 40 ? `${line.slice(0, 40)}...` : line,
        fix: 'restore the outcomes file written with the report, or delete it to merge without outcomes',
      });
    }
    checkOutcome(new Checker(where), value, 'line');
    items.push(value as DeviceOutcome);
  });
  return items;
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
    for (const o of items) all.push(o); // a spread of 100k+ items overflows the stack
  }
  return all.sort((a, b) => a.device - b.device);
}
