// Writes scaffolded files, refusing to overwrite unless asked: `fleetstorm init` must never
// clobber a scenario someone has edited.
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import type { ScaffoldFile } from './init.js';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes every file, or none when one exists and `overwrite` is false. Returns the paths written. */
export async function writeScaffoldFiles(
  files: readonly ScaffoldFile[],
  overwrite = false,
): Promise<string[]> {
  if (!overwrite) {
    for (const f of files) {
      if (await exists(f.path)) {
        throw new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'file already exists', {
          where: f.path,
          fix: 'choose another `--name` or `--dir`, or pass `--force` to overwrite',
        });
      }
    }
  }
  for (const f of files) {
    try {
      await mkdir(dirname(f.path), { recursive: true });
      await writeFile(f.path, f.content);
    } catch (e) {
      throw new ToolError('FLEETSTORM_ERR_OUTPUT_DIR', 'cannot write the scaffolded file', {
        where: f.path,
        got: e instanceof Error ? e.message : String(e),
        fix: 'pick a writable `--dir`',
      });
    }
  }
  return files.map((f) => f.path);
}
