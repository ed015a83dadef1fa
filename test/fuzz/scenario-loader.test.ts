// Property-based fuzzing of the scenario loader itself (hardening: scenario files, profiles and
// device types are user input): every shipped scenario, profile and device type, parsed and
// mutated (values replaced by hostile values of any type, keys deleted or added, lists grown),
// then resolved in this process, as `run`, `plan` and `validate` do, with and without the
// usual command-line overrides. Loading either succeeds or throws a ToolError whose line is one
// line with a fix; any other exception (a TypeError deep in the resolver) fails. Cheaper than
// the CLI cases of inputs.test.ts, so it covers every shipped file. Seed and replay: harness.ts.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ToolError } from '../../src/errors/tool-error.js';
import { resolveScenarioObject, type ResolveObjectOptions } from '../../src/scenario/load.js';
import type { CliOverrides } from '../../src/scenario/overrides.js';
import { PROPERTY_TIMEOUT_MS, fuzzParams } from './harness.js';
import { mutate, mutations, type Mutation } from './mutate.js';

interface Doc {
  name: string;
  doc: unknown;
}

async function docsIn(dir: string, ext = '.yaml'): Promise<Doc[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith(ext)).sort();
  return Promise.all(
    names.map(async (f) => ({
      name: f.slice(0, -ext.length),
      doc: parse(await readFile(join(dir, f), 'utf8')),
    })),
  );
}

let scenarios: Doc[] = [];
let profiles: Doc[] = [];
let deviceTypes: Doc[] = [];
let tmp = '';

beforeAll(async () => {
  scenarios = await docsIn('scenarios');
  profiles = await docsIn('profiles');
  deviceTypes = await docsIn('scenarios/devices');
  tmp = await mkdtemp(join(tmpdir(), 'fleetstorm-fuzz-loader-'));
  expect(scenarios.length).toBeGreaterThan(10);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** What `run --devices 20 --duration 10m` adds on top of the file: the layers and scaling. */
const SMALL: CliOverrides = { devices: 20, duration: '10m', mode: 'virtual', workers: 1 };

const outcomes = new Map<string, number>();

/** Resolves the case; only a one-line ToolError may escape. */
async function loads(doc: unknown, opts: ResolveObjectOptions): Promise<void> {
  let key = 'ok';
  try {
    await resolveScenarioObject(doc, 'fuzz.yaml', {
      baseDir: 'scenarios',
      env: {},
      sourcePath: null,
      ...opts,
    });
  } catch (e) {
    if (!(e instanceof ToolError)) {
      const err = e as Error;
      const shown = JSON.stringify(doc).slice(0, 1500);
      throw new Error(`not a ToolError: ${err.stack ?? String(e)}\n--- document: ${shown}`, { cause: e });
    }
    const line = e.toLine();
    expect(line, line).not.toMatch(/[\r\n]/);
    expect(line, line).toMatch(/^error FLEETSTORM_ERR_[A-Z_]+: .*; fix: \S/);
    key = e.code;
  } finally {
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
}

afterAll(() => {
  const parts = [...outcomes].sort().map(([k, n]) => `${k}:${n}`);
  console.log(`fuzz: loader outcomes ${parts.join(' ')}`);
});

const flags = fc.constantFrom<CliOverrides | undefined>(undefined, SMALL);

describe('fuzz: the scenario loader', () => {
  it('mutated shipped scenarios load or fail with one line', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutations, flags, async (i, ms: Mutation[], overrides) => {
        const s = scenarios[i % scenarios.length] as Doc;
        await loads(mutate(s.doc, ms), overrides ? { overrides } : {});
      }),
      fuzzParams(),
    );
  });

  it('mutated shipped profiles over a shipped scenario', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), mutations, flags, async (i, k, ms: Mutation[], overrides) => {
        const p = profiles[i % profiles.length] as Doc;
        const s = scenarios[k % scenarios.length] as Doc;
        const dir = await mkdtemp(join(tmp, 'p-'));
        const file = join(dir, `${p.name}.yaml`);
        await writeFile(file, stringify(mutate(p.doc, ms)));
        await loads(s.doc, { profile: file, ...(overrides ? { overrides } : {}) });
      }),
      fuzzParams(),
    );
  });

  it('mutated shipped device types in a small fleet', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutations, flags, async (i, ms: Mutation[], overrides) => {
        const t = deviceTypes[i % deviceTypes.length] as Doc;
        const scenario = { name: 'fuzz', duration: '1h', fleet: [{ device: t.name, count: 20 }] };
        await loads(scenario, {
          deviceTypes: { [t.name]: mutate(t.doc, ms) },
          ...(overrides ? { overrides } : {}),
        });
      }),
      fuzzParams(),
    );
  });
});
