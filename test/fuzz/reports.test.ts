// Property-based fuzzing of report files (hardening: a report is untrusted input): a real
// report.json and outcomes.ndjson, mutated and truncated, given to `report render`, `report
// merge` and `replay`. Nothing may be written outside --out (histogram names, outcomes.file)
// and every failure is one line. See harness.ts for the invariants and replaying a seed.
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
let report: unknown;
let outcomes = '';

beforeAll(async () => {
  const argv = ['run', 'scenarios/ota-rollout.yaml', '--devices', '40', '--duration', '3h', '--workers', '1'];
  const r = await runMain([...argv, '--quiet', '--out', base]);
  expect(r.code, r.stderr).toBeLessThanOrEqual(1);
  report = JSON.parse(await readFile(join(base, 'report.json'), 'utf8')) as unknown;
  outcomes = await readFile(join(base, 'outcomes.ndjson'), 'utf8').catch(() => '');
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

describe('fuzz: report files', () => {
  it('mutated reports: render, merge and replay', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(mutations, outcomesEdit, fc.nat(5), async (ms: Mutation[], how, pick) => {
        const box = await sandbox();
        try {
          const dir = join(box.dir, 'in');
          await mkdir(dir);
          const file = join(dir, 'report.json');
          await writeFile(file, JSON.stringify(mutate(report, ms)));
          const inputs = ['in/report.json'];
          const ndjson = spoil(outcomes, how);
          if (ndjson !== null) {
            await writeFile(join(dir, 'outcomes.ndjson'), ndjson);
            inputs.push('in/outcomes.ndjson');
          }
          await copyFile(join(base, 'summary.txt'), join(dir, 'summary.txt'));
          inputs.push('in/summary.txt');
          const argvs = [
            ['report', 'render', file, '--out', join(box.out, 'render')],
            ['report', 'merge', file, file, '--out', join(box.out, 'merge')],
            ['report', 'merge', file, '--out', join(box.out, 'merge1')],
          ];
          if (pick === 0)
            argvs.push(['replay', file, '--out', join(box.out, 'replay'), '--quiet', '--workers', '1']);
          for (const argv of argvs) {
            const r = await runBounded(argv);
            checkResult(r, argv);
            checkOneErrorLine(r);
          }
          await checkFiles(box, inputs);
        } finally {
          await box.dispose();
        }
      }),
      fuzzParams(),
    );
  });

  it('reports with a mutated scenario: replay', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (ms: Mutation[]) => {
        const box = await sandbox();
        try {
          const dir = join(box.dir, 'in');
          await mkdir(dir);
          const file = join(dir, 'report.json');
          const r = report as Record<string, unknown>;
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
