// Progress of one child of `--processes N`, sent by the child as one line on its stderr at each
// interval boundary (`run-resolved --progress-json`) and read back by the parent, so the parent
// can show every process's virtual time and devices while the run goes on.
import type { IntervalProgress } from './engine-types.js';

export interface ProcessProgress {
  /** Shard index of the child (0-based). */
  process: number;
  processes: number;
  reachedUs: number;
  events: number;
  /** Devices by connectivity state (catalog order). */
  conn: number[];
}

const PREFIX = 'fleetstorm-progress ';

/** The line a child writes (no newline). */
export function progressLine(p: IntervalProgress, process: number, processes: number): string {
  const body: ProcessProgress = {
    process,
    processes,
    reachedUs: p.reachedUs,
    events: p.events,
    conn: p.conn,
  };
  return `${PREFIX}${JSON.stringify(body)}`;
}

/** A child's progress line, or null for any other stderr line. */
export function parseProgressLine(line: string): ProcessProgress | null {
  if (!line.startsWith(PREFIX)) return null;
  try {
    const v = JSON.parse(line.slice(PREFIX.length)) as Partial<ProcessProgress>;
    const ok =
      typeof v.process === 'number' &&
      typeof v.processes === 'number' &&
      typeof v.reachedUs === 'number' &&
      typeof v.events === 'number' &&
      Array.isArray(v.conn) &&
      v.conn.every((x) => typeof x === 'number');
    return ok ? (v as ProcessProgress) : null;
  } catch {
    return null;
  }
}
