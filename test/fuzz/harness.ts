// The fuzz suite's shared parts: how many cases and which seed (printed, replayable), a
// sandbox folder per case, the CLI run in this process with a generous time bound, and the
// invariants every hostile input must keep:
//   - exit code 0, 1, 2, 3 or 4 (never 70: a bug; never a hang);
//   - on 2 or 3 exactly one error line, carrying `fix:`; never a stack trace;
//   - no file written outside the sandbox's `out` folder (and nothing in the repository);
//   - no planted secret in any file written or anything printed.
// Replay a failure: the assertion prints `seed` and `path`; run
//   FLEETSTORM_FUZZ_SEED=<seed> FLEETSTORM_FUZZ_PATH=<path> npx vitest run test/fuzz/<file>
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { runMain, type InProcessResult } from '../helpers/in-process.js';

/** Cases per property: small in the normal test run, more with FLEETSTORM_FUZZ_RUNS (nightly). */
export const FUZZ_RUNS = Number(process.env.FLEETSTORM_FUZZ_RUNS ?? '') || 30;
/** A per-case bound far above any expected case: only a hang can reach it. */
export const CASE_TIMEOUT_MS = 45_000;
/** vitest timeout of one property: every case at its bound would still be caught per case. */
export const PROPERTY_TIMEOUT_MS = 20 * 60_000;
/** Planted in URLs and values; must never appear in output or files. */
export const SECRET = 'FUZZ5ECRETpl4nted';

const seedFromEnv = process.env.FLEETSTORM_FUZZ_SEED;
const pathFromEnv = process.env.FLEETSTORM_FUZZ_PATH;

/** fast-check parameters: the seed is fixed per process and printed once, so any run replays. */
export function fuzzParams<T>(): fc.Parameters<T> {
  const seed = seedFromEnv !== undefined ? Number(seedFromEnv) : SEED;
  return {
    numRuns: FUZZ_RUNS,
    seed,
    ...(pathFromEnv ? { path: pathFromEnv } : {}),
    endOnFailure: true,
    interruptAfterTimeLimit: PROPERTY_TIMEOUT_MS - 60_000,
  };
}

// The only randomness of the suite, printed so a run can be repeated exactly.
const SEED = seedFromEnv !== undefined ? Number(seedFromEnv) : Math.floor(Math.random() * 2 ** 31);
process.stderr.write(
  `fuzz: seed ${SEED}, ${FUZZ_RUNS} cases per property (FLEETSTORM_FUZZ_SEED=${SEED} to replay)\n`,
);

export interface Sandbox {
  dir: string;
  out: string;
  dispose: () => Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-fuzz-'));
  return { dir, out: join(dir, 'out'), dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` (relative paths); a FIFO or other special file counts too. */
export async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else found.push(relative(dir, p));
    }
  }
  await walk(dir);
  return found.sort();
}

/** `fleetstorm <argv>` in process, failing as a hang when it does not finish in the bound. */
export async function runBounded(argv: string[]): Promise<InProcessResult> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`hang: fleetstorm ${argv.join(' ')} ran past ${CASE_TIMEOUT_MS} ms`)),
      CASE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([runMain(argv), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exit codes seen, by command: printed at exit so a run shows what it exercised. */
const tally = new Map<string, number>();

/** For afterAll: what the cases exercised (command:exit code:count). */
export function printTally(): void {
  if (tally.size === 0) return;
  const parts = [...tally].sort().map(([k, n]) => `${k}:${n}`);
  console.log(`fuzz: exit codes seen (command:code:count) ${parts.join(' ')}`);
}

/** The invariants on what one invocation printed and returned. */
export function checkResult(r: InProcessResult, argv: string[]): void {
  const cmd = argv[0] === undefined || argv[0].startsWith('-') ? '(none)' : argv[0];
  const key = `${cmd}${cmd === 'report' ? ` ${argv[1] ?? ''}` : ''}:${r.code}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
  const label = `fleetstorm ${argv.join(' ').slice(0, 400)}\n--- stderr:\n${r.stderr.slice(0, 2000)}`;
  expect([0, 1, 2, 3, 4], label).toContain(r.code);
  expect(r.stderr, label).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr, label).not.toContain('internal error');
  if (r.code === 2 || r.code === 3) {
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error '));
    expect(errors.length, label).toBeGreaterThanOrEqual(1);
    for (const line of errors) expect(line, label).toMatch(/^error FLEETSTORM_ERR_[A-Z_]+: .*; fix: \S/);
  }
  expect(r.stdout + r.stderr, label).not.toContain(SECRET);
}

/**
 * One error line per failing invocation: `validate` of several files prints one per file, so
 * callers that give one input check exactly one.
 */
export function checkOneErrorLine(r: InProcessResult): void {
  if (r.code !== 2 && r.code !== 3) return;
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error '));
  expect(errors, r.stderr).toHaveLength(1);
}

/** No file outside `out` in the sandbox beyond `inputs`, and no planted secret in any file. */
export async function checkFiles(box: Sandbox, inputs: readonly string[]): Promise<void> {
  const all = await filesUnder(box.dir);
  const outside = all.filter((f) => !f.startsWith(`out/`) && f !== 'out' && !inputs.includes(f));
  expect(outside, `files written outside --out: ${outside.join(', ')}`).toEqual([]);
  for (const f of all.filter((x) => x.startsWith('out/'))) {
    const p = join(box.dir, f);
    if (!(await stat(p)).isFile()) continue;
    expect(await readFile(p, 'utf8'), `secret in ${f}`).not.toContain(SECRET);
  }
}

/** Files in the repository's reports/ folder, to check nothing lands there. */
export async function repoReports(): Promise<string[]> {
  return filesUnder(join(process.cwd(), 'reports'));
}
