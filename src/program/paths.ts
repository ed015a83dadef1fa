// A device type's `program:` is written relative to the scenario file; once the scenario is
// resolved it becomes absolute (workers and `--shard` processes read it from anywhere), and a
// missing file is the user's mistake, said at once.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import type { ResolvedScenario } from '../scenario/types.js';

export function resolveProgramPaths(
  s: Pick<ResolvedScenario, 'deviceTypes'>,
  baseDir: string,
  sourceLabel: string,
): void {
  for (const [name, t] of Object.entries(s.deviceTypes)) {
    if (!t.program) continue;
    const written = t.program.path;
    const path = isAbsolute(written) ? written : resolve(baseDir, written);
    if (!existsSync(path))
      throw new ToolError('FLEETSTORM_ERR_PROGRAM', 'device program file not found', {
        where: `${sourceLabel}: device type ${name}.program`,
        got: `${written} (looked at ${path})`,
        fix: 'give the path of a .ts, .js or .wasm module relative to the scenario file',
      });
    t.program = { ...t.program, path };
  }
}

/** Whether any device type of the run has a program. */
export function hasPrograms(s: ResolvedScenario): boolean {
  return Object.values(s.deviceTypes).some((t) => t.program !== undefined);
}
