// What a program's failures leave behind: counters for every one, and the first few per shard as
// outcomes (device, hook, stack, its last log lines) in the report's sample and the outcomes file.
// Per shard, not per worker: the same devices are kept whatever --workers says.
import { C } from '../metrics/catalog.js';
import type { Shard } from '../core/shard.js';
import type { DeviceOutcome } from '../reports/report-types.js';
import { RunawayError } from './budget.js';
import type { ProgramDevice } from './device.js';

/** Failures kept with their stacks per shard and kind. */
export const KEPT_PER_SHARD = 5;
const STACK_LINES = 12;

export type ProgramOutcome = 'program-error' | 'program-runaway' | 'program-log';

export class FailureLog {
  private kept: Record<ProgramOutcome, number> = {
    'program-error': 0,
    'program-runaway': 0,
    'program-log': 0,
  };

  constructor(
    private readonly sh: Shard,
    /** Bundled module file → the program's own path, so stacks name the user's file. */
    private readonly rename: (stack: string) => string,
  ) {}

  /** A callback threw. Returns true when it was a runaway (the program is then switched off). */
  failed(dev: ProgramDevice, hook: string, err: unknown, tUs: number): boolean {
    const runaway = err instanceof RunawayError;
    this.sh.rec.add(runaway ? C.program_runaways_total : C.program_errors_total);
    const stack =
      err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : `thrown: ${String(err)}`;
    this.keep(dev, runaway ? 'program-runaway' : 'program-error', hook, stack, tUs);
    return runaway;
  }

  /** An `error` log line is kept like a failure (it has no stack). */
  logged(dev: ProgramDevice, message: string, tUs: number): void {
    this.keep(dev, 'program-log', 'log', message, tUs);
  }

  private keep(dev: ProgramDevice, kind: ProgramOutcome, hook: string, text: string, tUs: number): void {
    if (this.kept[kind] >= KEPT_PER_SHARD) return;
    this.kept[kind]++;
    const trail: DeviceOutcome['trail'] = [...(dev.x?.logs ?? [])];
    trail.push({
      atUs: Math.round(tUs),
      event: `${kind === 'program-log' ? 'log error' : 'failed'} in ${hook}`,
    });
    this.sh.outcomes.add({
      device: dev.index,
      deviceType: dev.type,
      outcome: kind,
      operation: hook,
      trail,
      stack: this.rename(text.split('\n').slice(0, STACK_LINES).join('\n')),
    });
  }
}
