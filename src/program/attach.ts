// Binds a run's device programs to a shard where the shard is built: a worker thread (virtual
// mode) or the live process. Programs are loaded once per thread and run; the shard gets a host.
import type { Shard } from '../core/shard.js';
import { versionTable, type TypeParams } from '../device/params.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { applyProgramHeapPolicy } from './heap-policy.js';
import { ProgramHost } from './host.js';
import { loadPrograms, type LoadedProgram } from './load.js';
import { hasPrograms } from './paths.js';

/**
 * Virtual mode's wall clock at virtual time 0 (2026-01-01T00:00:00Z): fixed, so a program that
 * publishes `Date.now()` sends the same bytes in every run of a seed.
 */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

let loaded: { key: string; programs: (LoadedProgram | null)[] } | null = null;

export interface AttachOptions {
  /** Names the run (programs are loaded once per run and thread). */
  runId: string;
  epochMs: number;
  /** Virtual mode: publishes reach the shard's subscribers through the host. */
  localDelivery: boolean;
}

/** Gives the shard its program host when a device type of the run has a program. */
export function attachPrograms(
  sh: Shard,
  s: ResolvedScenario,
  types: TypeParams[],
  opts: AttachOptions,
): void {
  if (!hasPrograms(s)) return;
  applyProgramHeapPolicy();
  if (loaded === null || loaded.key !== opts.runId)
    loaded = { key: opts.runId, programs: loadPrograms(s, types) };
  const host = new ProgramHost(sh, loaded.programs, {
    seed: s.seed,
    versions: versionTable(s),
    epochMs: opts.epochMs,
    localDelivery: opts.localDelivery,
  });
  sh.programs = host;
  sh.progDue = host.due;
}
