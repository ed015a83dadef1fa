// Property-based fuzzing of the files a user writes (hardening): the shipped scenarios, a
// profile and a device type, mutated (values replaced by hostile ones, keys deleted or added,
// lists grown), then validated and, for some, run. See harness.ts for the invariants and how
// to replay a failure from its printed seed.
import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  PROPERTY_TIMEOUT_MS,
  checkFiles,
  checkOneErrorLine,
  checkResult,
  fuzzParams,
  printTally,
  repoReports,
  runBounded,
  sandbox,
} from './harness.js';
import { mutations, type Mutation } from './mutate.js';
import { expect } from 'vitest';

/** Every shipped scenario (a new one is fuzzed as soon as it ships). */
const SCENARIOS = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

async function yamlOf(path: string): Promise<unknown> {
  return parse(await readFile(path, 'utf8')) as unknown;
}

/** Run flags that keep a fuzz case small, whatever the mutated file asks for. */
const SMALL = ['--quiet', '--mode', 'virtual', '--devices', '20', '--duration', '10m', '--workers', '1'];

async function fuzzCase(
  write: (dir: string) => Promise<{ file: string; inputs: string[] }>,
  run: (file: string, out: string) => string[] | null,
): Promise<void> {
  const before = await repoReports();
  const box = await sandbox();
  try {
    const { file, inputs } = await write(box.dir);
    const argv = ['validate', file];
    const v = await runBounded(argv);
    checkResult(v, argv);
    checkOneErrorLine(v);
    const runArgv = v.code === 0 ? run(file, box.out) : null;
    if (runArgv) {
      const r = await runBounded(runArgv);
      checkResult(r, runArgv);
      checkOneErrorLine(r);
    }
    await checkFiles(box, inputs);
    expect(await repoReports()).toEqual(before);
  } finally {
    await box.dispose();
  }
}

afterAll(printTally);

describe('fuzz: hand-written files', () => {
  it('mutated scenarios: validate, then run the valid ones', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    const docs = await Promise.all(SCENARIOS.map((n) => yamlOf(`scenarios/${n}.yaml`)));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(SCENARIOS.length - 1),
        mutations,
        fc.boolean(),
        async (i, ms: Mutation[], runIt) => {
          const { mutate } = await import('./mutate.js');
          await fuzzCase(
            async (dir) => {
              const file = join(dir, 'scenario.yaml');
              await writeFile(file, stringify(mutate(docs[i], ms)));
              return { file, inputs: ['scenario.yaml'] };
            },
            (file, out) => (runIt ? ['run', file, '--out', out, ...SMALL] : null),
          );
        },
      ),
      fuzzParams(),
    );
  });

  it(
    'mutated profiles: validate, then run quickstart with them',
    { timeout: PROPERTY_TIMEOUT_MS },
    async () => {
      const names = ['smoke', 'ci', 'nightly', 'capacity'];
      const docs = await Promise.all(names.map((n) => yamlOf(`profiles/${n}.yaml`)));
      await fc.assert(
        fc.asyncProperty(
          fc.nat(names.length - 1),
          mutations,
          fc.boolean(),
          async (i, ms: Mutation[], runIt) => {
            const { mutate } = await import('./mutate.js');
            await fuzzCase(
              async (dir) => {
                await mkdir(join(dir, 'profiles'));
                const file = join(dir, 'profiles', 'fuzz.yaml');
                await writeFile(file, stringify(mutate(docs[i], ms)));
                return { file, inputs: ['profiles/fuzz.yaml'] };
              },
              (file, out) =>
                runIt
                  ? ['run', 'scenarios/quickstart.yaml', '--profile', file, '--out', out, ...SMALL]
                  : null,
            );
          },
        ),
        fuzzParams(),
      );
    },
  );

  it(
    'mutated device types: validate, then run a fleet of them',
    { timeout: PROPERTY_TIMEOUT_MS },
    async () => {
      const names = ['sensor', 'gateway', 'tracker'];
      const docs = await Promise.all(names.map((n) => yamlOf(`scenarios/devices/${n}.yaml`)));
      await fc.assert(
        fc.asyncProperty(
          fc.nat(names.length - 1),
          mutations,
          fc.boolean(),
          async (i, ms: Mutation[], runIt) => {
            const { mutate } = await import('./mutate.js');
            const name = names[i] as string;
            await fuzzCase(
              async (dir) => {
                await mkdir(join(dir, 'devices'));
                const file = join(dir, 'devices', `${name}.yaml`);
                await writeFile(file, stringify(mutate(docs[i], ms)));
                const scenario = { name: 'fuzz', duration: '10m', fleet: [{ device: name, count: 20 }] };
                await writeFile(join(dir, 'scenario.yaml'), stringify(scenario));
                return { file, inputs: [`devices/${name}.yaml`, 'scenario.yaml'] };
              },
              (file, out) =>
                runIt ? ['run', join(file, '..', '..', 'scenario.yaml'), '--out', out, ...SMALL] : null,
            );
          },
        ),
        fuzzParams(),
      );
    },
  );
});
