// The open-file budget: every live connection is one descriptor, so a run that needs more than
// the soft limit fails up front with FLEETSTORM_ERR_FD_LIMIT instead of EMFILE mid-run.
import { readFileSync } from 'node:fs';
import { ToolError } from '../errors/tool-error.js';

/** Descriptors a process needs besides its connections (stdio, libuv, files, workers). */
export const FD_RESERVE = 256;

/** The soft RLIMIT_NOFILE of this process, or undefined where /proc is not available. */
export function openFileLimit(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (match === null) return undefined;
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** Throws FLEETSTORM_ERR_FD_LIMIT when `connections` sockets (+ reserve) do not fit. */
export function assertFdBudget(connections: number, where = 'live connections'): void {
  const limit = openFileLimit();
  if (limit === undefined) return;
  const needed = connections + FD_RESERVE;
  if (needed <= limit) return;
  throw new ToolError('FLEETSTORM_ERR_FD_LIMIT', `${connections} connections need ${needed} open files`, {
    where,
    got: `limit ${limit}`,
    fix: `raise it (ulimit -n ${needed}) or spread devices over processes (--processes)`,
  });
}
