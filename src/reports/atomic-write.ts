// Writing artifacts so a failure never leaves a half file: each goes to a temporary name in the
// same folder and is renamed over the final name (atomic on one file system), and folders are
// made one level at a time (Node's recursive mkdir never returns under /proc), remembering which
// were made so a run that fails before writing leaves no empty folder behind.
import { mkdir, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

let counter = 0;

/** Writes `text` to `path` through a temporary sibling and a rename. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${++counter}`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** Makes `dir` and its missing parents; returns the folders it made, outermost first. */
export async function makeDirs(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let p = resolve(dir);
  for (;;) {
    try {
      const st = await stat(p);
      if (!st.isDirectory()) throw Object.assign(new Error(`${p} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if (codeOf(e) !== 'ENOENT') throw e;
      missing.push(p);
      const up = dirname(p);
      if (up === p) break;
      p = up;
    }
  }
  missing.reverse();
  for (const m of missing) {
    try {
      await mkdir(m);
    } catch (e) {
      if (codeOf(e) !== 'EEXIST') throw e;
    }
  }
  return missing;
}

/** Removes folders made by makeDirs that are still empty, innermost first; never anything else. */
export async function removeEmptyDirs(made: readonly string[]): Promise<void> {
  for (const d of [...made].reverse()) {
    try {
      await rmdir(d);
    } catch {
      return; // not empty (or gone): leave it and its parents
    }
  }
}
