// Loads a device program: esbuild bundles the user's TypeScript or JavaScript (ESM) and what it
// imports into one ESM string, instrument.ts adds the budget ticks, and the result is written to
// a content-addressed file in the temp folder, which each thread loads once (one module
// instance per worker thread). Both steps are synchronous (esbuild's buildSync, Node's require of
// an ES module), so a worker binds programs to its shards where it builds them. `fleetstorm` and `fleetstorm/program` resolve to this package's
// own API module and `fleetstorm/wasm` to its WebAssembly host, so a program needs no installed
// copy of fleetstorm to run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { ToolError } from '../errors/tool-error.js';
import { isDefinedDevice, type DefinedDevice } from './api.js';
import { threadBudget } from './budget.js';
import { instrument } from './instrument.js';

/** Program file → bundled module, per thread (a run's workers bundle each program once). */
const bundled = new Map<string, string>();
const requireModule = createRequire(import.meta.url);

/** A module of this folder as built (dist) or as source (tests run from src). */
function ownModulePath(base: string): string {
  for (const name of [`./${base}.js`, `./${base}.ts`]) {
    const p = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`fleetstorm program module ${base} not found next to src/program/bundle`);
}

function programError(where: string, what: string, got: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_PROGRAM', what, { where, got, fix });
}

/**
 * Bundles and instruments the program at `path` (absolute); returns the path of the module to
 * import. `where` names the scenario field in errors.
 */
export function bundleProgram(path: string, where: string): string {
  const cached = bundled.get(path);
  if (cached !== undefined) return cached;
  if (!existsSync(path))
    throw programError(
      where,
      'device program file not found',
      path,
      'give a path relative to the scenario file',
    );
  let code: string;
  try {
    const out = buildSync({
      entryPoints: [path],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      // esbuild takes the longest matching key, so `fleetstorm/wasm` is not `fleetstorm` + '/wasm'
      alias: {
        fleetstorm: ownModulePath('api'),
        'fleetstorm/program': ownModulePath('api'),
        'fleetstorm/wasm': ownModulePath('wasm-host'),
      },
    });
    code = out.outputFiles[0]?.text ?? '';
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] })
      .errors?.[0];
    const at = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw programError(
      where,
      'device program does not compile',
      `${first?.text ?? String(err)}${at}`,
      'fix the program so that `esbuild` can bundle it',
    );
  }
  const instrumented = instrument(code);
  const sha = createHash('sha256').update(instrumented).digest('hex').slice(0, 24);
  const dir = join(tmpdir(), 'fleetstorm-programs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${sha}.mjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, instrumented);
    renameSync(tmp, file); // whole or not at all: several threads may write the same file
  }
  bundled.set(path, file);
  return file;
}

/** Loads a bundled program (cached by the module system: once per thread) and checks it. */
export function importProgram(modulePath: string, where: string): DefinedDevice<object> {
  threadBudget(); // the instrumented code finds it at load
  const mod = requireModule(modulePath) as Record<string, unknown>;
  const program = mod.default ?? mod.device;
  if (!isDefinedDevice(program))
    throw programError(
      where,
      'device program does not export defineDevice(...)',
      Object.keys(mod).join(', ') || '(no exports)',
      "`export default defineDevice({ ... })` with defineDevice from 'fleetstorm/program'",
    );
  return program;
}
