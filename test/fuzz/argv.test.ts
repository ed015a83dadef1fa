// Property-based fuzzing of the command line (hardening): commands with random flags and
// hostile values (repeated, empty, negative, huge, not numbers, planted secrets). Every case
// writes only under --out; each ends with 0..4 and, on 2 or 3, one line with a fix. See
// harness.ts for the invariants and replaying a seed.
import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/in-process.js';
import { stringify } from 'yaml';
import {
  PROPERTY_TIMEOUT_MS,
  SECRET,
  checkFiles,
  checkOneErrorLine,
  checkResult,
  fuzzParams,
  printTally,
  repoReports,
  runBounded,
  sandbox,
} from './harness.js';

/** A fleet small and short enough for any mode the flags pick (live at speed max). */
const SCENARIO = {
  name: 'fuzz-argv',
  seed: 3,
  duration: '20s',
  interval: '5s',
  fleet: [{ device: 'sensor', count: 20 }],
  live: { speed: 'max' },
};

const VALUES: Record<string, readonly string[]> = {
  '--devices': ['', '0', '-1', '5', '20', '1e12', 'abc', '2.5', '9007199254740993'],
  '--seed': ['', '-1', '0', '42', '9007199254740993', 'abc'],
  '--shard': ['', '0/2', '1/2', '-1/2', '2/2', '1/0', 'x'],
  '--workers': ['', '0', '1', '-1', 'abc', '1.5'],
  '--processes': ['', '0', '1', '2', 'abc'],
  '--profile': ['', 'smoke', 'ci', 'nope', '/etc/passwd', '../../../../etc/hostname'],
  '--metrics-port': ['', '0', '-1', '99999', 'abc', '80.5'],
  '--duration': ['', '10s', '-5m', '1us', '0s', '1000000000w', 'abc'],
  '--interval': ['', '5s', '1us', '-1s', '1000000000w'],
  '--speed': ['', 'max', '1000', '0', '-1', '1e308', 'abc'],
  '--mode': ['', 'virtual', 'live', 'frob'],
  '--target-mqtt': [
    'mqtt://127.0.0.1:99999',
    'mqtt://127.0.0.1:1',
    `mqtt://u:${SECRET}@127.0.0.1:1`,
    'http://x',
    '',
  ],
  '--target-http': ['http://127.0.0.1:1', `http://u:${SECRET}@127.0.0.1:1`, ''],
};
const SWITCHES = ['--json', '--quiet', '--no-html', '--scale-backend', '--html', '--frob'];

const flagToken: fc.Arbitrary<string[]> = fc.oneof(
  fc
    .constantFrom(...Object.keys(VALUES))
    .chain((flag) =>
      fc.tuple(fc.constant(flag), fc.constantFrom(...(VALUES[flag] as string[])), fc.boolean()),
    )
    .map(([flag, value, joined]) => (joined ? [`${flag}=${value}`] : [flag, value])),
  fc.constantFrom(...SWITCHES).map((s) => [s]),
);

const COMMANDS = ['run', 'validate', 'replay', 'render', 'merge', 'k8s', 'frob', 'none'] as const;

function commandArgv(
  cmd: (typeof COMMANDS)[number],
  scenario: string,
  report: string,
  out: string,
): string[] {
  switch (cmd) {
    case 'run':
      return ['run', scenario, '--out', out];
    case 'validate':
      return ['validate', scenario];
    case 'replay':
      return ['replay', report, '--out', out];
    case 'render':
      return ['report', 'render', report, '--out', out];
    case 'merge':
      return ['report', 'merge', report, '--out', out];
    case 'k8s':
      return ['k8s', 'render', scenario, '--shards', '2', '--image', 'x', '--out', join(out, 'k8s.yaml')];
    case 'frob':
      return ['report', 'frob', report];
    case 'none':
      return [];
  }
}

/** A real report of SCENARIO, for replay and report render|merge. */
const base = mkdtempSync(join(tmpdir(), 'fleetstorm-fuzz-argv-'));
const baseReport = join(base, 'out', 'report.json');
beforeAll(async () => {
  await writeFile(join(base, 'fuzz.yaml'), stringify(SCENARIO));
  const r = await runMain(['run', join(base, 'fuzz.yaml'), '--quiet', '--out', join(base, 'out')]);
  expect(r.code, r.stderr).toBeLessThanOrEqual(1);
});
afterAll(() => rm(base, { recursive: true, force: true }));
afterAll(printTally);

describe('fuzz: the command line', () => {
  it('commands with random flags and values', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COMMANDS),
        fc.array(flagToken, { minLength: 0, maxLength: 3 }),
        fc.boolean(),
        async (cmd, tokens, missing) => {
          const before = await repoReports();
          const box = await sandbox();
          try {
            const scenario = join(box.dir, 'fuzz.yaml');
            await writeFile(scenario, stringify(SCENARIO));
            const report = missing ? join(box.dir, 'missing-report.json') : baseReport;
            const argv = [...commandArgv(cmd, scenario, report, box.out), ...tokens.flat()];
            const r = await runBounded(argv);
            checkResult(r, argv);
            checkOneErrorLine(r);
            await checkFiles(box, ['fuzz.yaml']);
            expect(await repoReports()).toEqual(before);
          } finally {
            await box.dispose();
          }
        },
      ),
      fuzzParams(),
    );
  });
});
