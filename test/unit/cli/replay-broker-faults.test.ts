// `replay` checks an outage of some brokers against the brokers the replayed run has, as `run`
// does once the mode and targets are known: a report edited down to one broker (or naming a
// broker it lacks) is one line naming faults[i].params.brokers, exit 2, not a run whose outage
// silently hits nobody.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { reportToJson } from '../../../src/reports/json.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { runMain } from '../../helpers/in-process.js';

let base: Report;
let dir = '';

beforeAll(async () => {
  const s = await resolveScenarioObject(
    {
      name: 'broker-outage-replay',
      seed: 3,
      duration: '3m',
      interval: '1m',
      fleet: [{ device: 'gateway', count: 30 }],
      backend: { brokers: 3 },
      faults: [{ type: 'backend-outage', at: '1m', duration: '30s', params: { brokers: [2] } }],
    },
    'broker-outage-replay',
    { env: {} },
  );
  base = (await runResolved(s, { noFiles: true })).report;
}, 60_000);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-replay-brokers-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it.each<[string, number, string]>([
  ['one broker left', 1, 'this run has one'],
  ['two brokers left', 2, 'there is no broker 2'],
])('%s: one line naming the fault, exit 2', async (_, brokers, message) => {
  const report = JSON.parse(reportToJson(base)) as { scenario: { backend: { brokers: number } } };
  report.scenario.backend.brokers = brokers;
  const file = join(dir, 'report.json');
  await writeFile(file, JSON.stringify(report));
  const r = await runMain(['replay', file, '--out', join(dir, 'replay'), '--quiet']);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain('faults[0].params.brokers');
  expect(lines[0]).toContain(message);
});

it('the untouched report replays', async () => {
  const file = join(dir, 'report.json');
  await writeFile(file, reportToJson(base));
  const r = await runMain(['replay', file, '--out', join(dir, 'replay'), '--quiet']);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
