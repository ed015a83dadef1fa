// Property-based fuzzing of report files (hardening: a report is untrusted input): real
// report.json and outcomes.ndjson files (two runs, so every section has a base: rollout and ota;
// sites and cohorts), mutated and truncated as a whole, inside one section, or in the scenario
// they carry, given to `report render`, `report merge` and `replay`. Nothing may be written
// outside --out (histogram names, outcomes.file) and every failure is one line. See harness.ts
// for the invariants and replaying a seed.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/in-process.js';
import {
  PROPERTY_TIMEOUT_MS,
  checkFiles,
  checkOneErrorLine,
  checkResult,
  fuzzParams,
  printTally,
  runBounded,
  sandbox,
} from './harness.js';
import { mutate, mutations, type Mutation } from './mutate.js';

const base = mkdtempSync(join(tmpdir(), 'fleetstorm-fuzz-base-'));

/** A real run's files, mutated by the cases: two runs, so every report section has a base. */
interface Base {
  dir: string;
  report: Record<string, unknown>;
  outcomes: string;
}

const RUNS = [
  // rollout, ota, outcomes
  ['scenarios/ota-rollout.yaml', '--devices', '40', '--duration', '3h'],
  // sites (both worst-site tables), cohorts by firmware and by tag, a compare(...) gate
  ['test/fuzz/fixtures/sites-cohorts.yaml'],
];
const bases: Base[] = [];

/** Sections only some reports have: a third property mutates inside them alone. */
const SECTIONS = ['sites', 'cohorts', 'ota', 'rollout', 'outcomes', 'thresholds', 'faults'] as const;

beforeAll(async () => {
  for (const [i, [file, ...flags]] of RUNS.entries()) {
    const dir = join(base, String(i));
    const r = await runMain(['run', file as string, ...flags, '--workers', '1', '--quiet', '--out', dir]);
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    bases.push({
      dir,
      report: JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>,
      outcomes: await readFile(join(dir, 'outcomes.ndjson'), 'utf8').catch(() => ''),
    });
  }
  for (const s of SECTIONS)
    expect(
      bases.some((b) => b.report[s] !== undefined),
      s,
    ).toBe(true);
});
afterAll(() => rm(base, { recursive: true, force: true }));

/** How the outcomes file next to the report is spoiled. */
const outcomesEdit = fc.constantFrom('keep', 'truncate', 'garbage', 'missing', 'symlink-like');

function spoil(text: string, how: string): string | null {
  switch (how) {
    case 'truncate':
      return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    case 'garbage':
      return `${text}{"device": "x"}\nnot json\n`;
    case 'missing':
      return null;
    default:
      return text;
  }
}

afterAll(printTally);

const baseIndex = fc.nat(RUNS.length - 1);

/**
 * Writes the case's report (and its spoiled outcomes file, a summary beside it and an untouched
 * copy of its base to merge with); runs render, merge (alone, with itself, with the untouched
 * report) and, when asked, replay; checks every invariant of harness.ts.
 */
async function renderMergeReplay(b: Base, doc: unknown, how: string, replay: boolean): Promise<void> {
  const box = await sandbox();
  try {
    const dir = join(box.dir, 'in');
    await mkdir(dir);
    const file = join(dir, 'report.json');
    await writeFile(file, JSON.stringify(doc));
    const pristine = join(box.dir, 'base.json');
    await writeFile(pristine, JSON.stringify(b.report));
    const inputs = ['in/report.json', 'base.json'];
    const ndjson = spoil(b.outcomes, how);
    if (ndjson !== null) {
      await writeFile(join(dir, 'outcomes.ndjson'), ndjson);
      inputs.push('in/outcomes.ndjson');
    }
    await copyFile(join(b.dir, 'summary.txt'), join(dir, 'summary.txt'));
    inputs.push('in/summary.txt');
    const argvs = [
      ['report', 'render', file, '--out', join(box.out, 'render')],
      ['report', 'merge', file, file, '--out', join(box.out, 'merge')],
      ['report', 'merge', file, '--out', join(box.out, 'merge1')],
      ['report', 'merge', pristine, file, '--out', join(box.out, 'merge2')],
    ];
    if (replay) argvs.push(['replay', file, '--out', join(box.out, 'replay'), '--quiet', '--workers', '1']);
    for (const argv of argvs) {
      const r = await runBounded(argv);
      checkResult(r, argv);
      checkOneErrorLine(r);
    }
    await checkFiles(box, inputs);
  } finally {
    await box.dispose();
  }
}

function baseOf(i: number): Base {
  const b = bases[i];
  if (!b) throw new Error(`no base report ${i}`);
  return b;
}

describe('fuzz: report files', () => {
  it('mutated reports: render, merge and replay', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(
        baseIndex,
        mutations,
        outcomesEdit,
        fc.nat(5),
        async (i, ms: Mutation[], how, pick) => {
          const b = baseOf(i);
          await renderMergeReplay(b, mutate(b.report, ms), how, pick === 0);
        },
      ),
      fuzzParams(),
    );
  });

  // Whole-report mutations seldom reach deep inside one section (paths are picked over the
  // whole document, whose series hold most of them): these cases mutate inside one section.
  it('reports with a mutated section: render and merge', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(
        baseIndex,
        fc.constantFrom(...SECTIONS),
        mutations,
        async (i, section, ms: Mutation[]) => {
          // The first base that has the section, from the drawn one on.
          const b = bases
            .map((_, k) => baseOf((i + k) % bases.length))
            .find((x) => x.report[section] !== undefined);
          if (!b) throw new Error(`no base report has ${section}`);
          await renderMergeReplay(
            b,
            { ...b.report, [section]: mutate(b.report[section], ms) },
            'keep',
            false,
          );
        },
      ),
      fuzzParams(),
    );
  });

  it('reports with a mutated scenario: replay', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(baseIndex, mutations, async (i, ms: Mutation[]) => {
        const box = await sandbox();
        try {
          const dir = join(box.dir, 'in');
          await mkdir(dir);
          const file = join(dir, 'report.json');
          const r = baseOf(i).report;
          await writeFile(file, JSON.stringify({ ...r, scenario: mutate(r.scenario, ms) }));
          const argv = ['replay', file, '--out', join(box.out, 'replay'), '--quiet', '--workers', '1'];
          const res = await runBounded(argv);
          checkResult(res, argv);
          checkOneErrorLine(res);
          await checkFiles(box, ['in/report.json']);
        } finally {
          await box.dispose();
        }
      }),
      fuzzParams(),
    );
  });
});
