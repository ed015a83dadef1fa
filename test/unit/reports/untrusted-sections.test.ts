// A report's sites and cohorts sections are untrusted input like the rest of it: the summary,
// HTML and JUnit renderers draw them and `report merge` adds them up (and evaluates compare(...)
// thresholds on them). A hand-edited or truncated one is one line naming the field, never a
// stack trace; `report render` and `report merge` exit 2 with that one line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CohortsReport } from '../../../src/cohorts/compare.js';
import { reportToJson } from '../../../src/reports/json.js';
import { parseReport } from '../../../src/reports/read-report.js';
import { siteReport } from '../../../src/reports/site-report.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { SITE_ROW } from '../../../src/topology/site-rows.js';
import { runMain } from '../../helpers/in-process.js';
import { toolErrorOf } from '../../helpers/tool-error.js';
import { reportFrom, seededAggregator } from './fixtures.js';

type Obj = Record<string, unknown>;

/** One site's row as the engines write it (src/topology/site-rows.ts). */
function siteRow(v: Omit<Record<keyof typeof SITE_ROW, number>, 'width'>): number[] {
  const row = new Array<number>(SITE_ROW.width).fill(0);
  for (const [k, x] of Object.entries(v)) row[SITE_ROW[k as keyof typeof v]] = x;
  return row;
}

const site = {
  connectAttempts: 20,
  outages: 0,
  outageHits: 0,
  recovered: 0,
  recoveryMaxUs: 0,
  notRecovered: 0,
};
const ROWS = [
  siteRow({
    ...site,
    site: 0,
    devices: 12,
    connectFailures: 3,
    outages: 1,
    outageHits: 12,
    recovered: 1,
    recoveryMaxUs: 480e6,
  }),
  siteRow({ ...site, site: 1, devices: 8, connectFailures: 0, outages: 1, outageHits: 8, notRecovered: 2 }),
  siteRow({ ...site, site: 2, devices: 10, connectFailures: 1 }),
].flat();

function cohortSums(n: number, mean: number): { n: number; mean: number; sums: number[] } {
  return { n, mean, sums: [n, n, n * mean, n, n * mean, n * mean * mean * 1.1] };
}

function cohort(name: string, mean: number): CohortsReport['dimensions'][number]['cohorts'][number] {
  return {
    name,
    stats: {
      battery_drain_per_day: cohortSums(20, mean),
      reconnects_per_device_day: cohortSums(20, 2 * mean),
      publish_failure_ratio: cohortSums(20, mean / 10),
      ota_failures_per_device: cohortSums(20, 0),
    },
  };
}

const COHORTS: CohortsReport = {
  dimensions: [
    {
      by: 'firmware',
      baseline: '2.0.3',
      cohorts: [cohort('2.0.3', 0.01), cohort('2.1.0', 0.011)],
      comparisons: [
        {
          stat: 'battery_drain_per_day',
          cohort: '2.1.0',
          baseline: '2.0.3',
          n: 20,
          baselineN: 20,
          mean: 0.011,
          baselineMean: 0.01,
          absolute: 0.001,
          absoluteHalfWidth: 0.0005,
          relative: 0.1,
          relativeHalfWidth: 0.05,
          df: 38,
          noData: null,
        },
        {
          stat: 'ota_failures_per_device',
          cohort: '2.1.0',
          baseline: '2.0.3',
          n: 0,
          baselineN: 0,
          mean: null,
          baselineMean: null,
          noData: 'cohort "2.1.0" has no devices with ota_failures_per_device',
        },
      ],
    },
  ],
};

const base = { ...reportFrom({ agg: seededAggregator(3) }), sites: siteReport(ROWS), cohorts: COHORTS };

function edited(edit: (r: Obj) => void): string {
  const r = JSON.parse(reportToJson(base)) as Obj;
  edit(r);
  return JSON.stringify(r);
}

const sites = (r: Obj): Obj => r.sites as Obj;
const line = (r: Obj, table: string, i = 0): Obj => (sites(r)[table] as Obj[])[i] as Obj;
const dim = (r: Obj, i = 0): Obj => ((r.cohorts as Obj).dimensions as Obj[])[i] as Obj;
const entry = (r: Obj, k = 0): Obj => (dim(r).cohorts as Obj[])[k] as Obj;
const stat = (r: Obj, name: string): Obj => (entry(r).stats as Obj)[name] as Obj;
const comparison = (r: Obj, k = 0): Obj => (dim(r).comparisons as Obj[])[k] as Obj;

it('reads back the sites and cohorts sections a run writes', () => {
  const r = parseReport(reportToJson(base), 'r.json');
  expect(r.sites?.slowestRecovery.map((l) => l.site)).toEqual([1, 0]);
  expect(r.sites?.worstByFailure.map((l) => l.site)).toEqual([0, 2]);
  expect(r.cohorts?.dimensions[0]?.comparisons).toHaveLength(2);
});

const CASES: [string, (r: Obj) => void][] = [
  ['sites must be an object', (r) => (r.sites = [])],
  ['sites.devices must be a number', (r) => delete sites(r).devices],
  ['sites.notRecovered must be a number >= 0', (r) => (sites(r).notRecovered = -3)],
  ['sites.worstByFailure must be an array', (r) => (sites(r).worstByFailure = 'x')],
  ['sites.slowestRecovery must be an array', (r) => delete sites(r).slowestRecovery],
  ['sites.worstByFailure[1] must be an object', (r) => ((sites(r).worstByFailure as unknown[])[1] = null)],
  [
    'sites.worstByFailure[0].failureRatio must be a number or null',
    (r) => (line(r, 'worstByFailure').failureRatio = '5%'),
  ],
  [
    'sites.slowestRecovery[0].recoveryMaxUs must be a number or null',
    (r) => (line(r, 'slowestRecovery').recoveryMaxUs = {}),
  ],
  [
    'sites.slowestRecovery[1].notRecovered must be a number',
    (r) => delete line(r, 'slowestRecovery', 1).notRecovered,
  ],
  ['sites.slowestRecovery[0].site must be a number', (r) => (line(r, 'slowestRecovery').site = '<b>0</b>')],
  ['cohorts must be an object', (r) => (r.cohorts = 'firmware')],
  ['cohorts.dimensions must be an array', (r) => (r.cohorts = {})],
  [
    'cohorts.dimensions[0].by must be one of firmware, device-type, site, tag:<name>',
    (r) => (dim(r).by = 'colour'),
  ],
  ['cohorts.dimensions[0].baseline must be a string', (r) => (dim(r).baseline = 2)],
  ['cohorts.dimensions[0].cohorts must be an array', (r) => delete dim(r).cohorts],
  ['cohorts.dimensions[0].cohorts[0].name must be a string', (r) => (entry(r).name = null)],
  ['cohorts.dimensions[0].cohorts[0].stats must be an object', (r) => (entry(r).stats = [])],
  [
    'cohorts.dimensions[0].cohorts[0].stats.publish_failure_ratio must be an object',
    (r) => delete (entry(r).stats as Obj).publish_failure_ratio,
  ],
  [
    'cohorts.dimensions[0].cohorts[0].stats.battery_drain_per_day.sums must be an array of 6 sums',
    (r) => (stat(r, 'battery_drain_per_day').sums = [1, 2]),
  ],
  [
    'cohorts.dimensions[0].cohorts[0].stats.battery_drain_per_day.sums[2] must be a number',
    (r) => ((stat(r, 'battery_drain_per_day').sums as unknown[])[2] = 'x'),
  ],
  [
    'cohorts.dimensions[0].cohorts[0].stats.reconnects_per_device_day.mean must be a number or null',
    (r) => (stat(r, 'reconnects_per_device_day').mean = '2'),
  ],
  ['cohorts.dimensions[0].comparisons must be an array', (r) => (dim(r).comparisons = {})],
  [
    'cohorts.dimensions[0].comparisons[0].stat must be one of battery_drain_per_day',
    (r) => (comparison(r).stat = 'toString'),
  ],
  ['cohorts.dimensions[0].comparisons[0].n must be a number', (r) => delete comparison(r).n],
  [
    'cohorts.dimensions[0].comparisons[0].relative must be a number or null',
    (r) => (comparison(r).relative = '10%'),
  ],
  [
    'cohorts.dimensions[0].comparisons[1].noData must be a string or null',
    (r) => delete comparison(r, 1).noData,
  ],
];

describe('malformed sites and cohorts sections', () => {
  it.each(CASES)('%s: one line', async (message, edit) => {
    const e = await toolErrorOf(() => parseReport(edited(edit), 'r.json'));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toContain(message);
    expect(e.toLine()).not.toContain('\n');
    expect(e.toLine()).toContain('fix: ');
  });
});

// Found by the report fuzzer: a replayed report with non-string tags crashed the summary table
// (cell.padEnd), a compare: that is not a list crashed the cohort plan.
const scenario = (r: Obj): Obj => r.scenario as Obj;
const group = (r: Obj): Obj => (scenario(r).fleet as Obj[])[0] as Obj;
const SCENARIO_CASES: [string, (r: Obj) => void][] = [
  ['scenario.compare must be an array', (r) => (scenario(r).compare = 'x')],
  [
    'scenario.compare[0].by must be one of firmware, device-type, site, tag:<name>',
    (r) => (scenario(r).compare = [{ by: 'colour', baseline: null }]),
  ],
  [
    'scenario.compare[0].baseline must be a string or null',
    (r) => (scenario(r).compare = [{ by: 'firmware', baseline: 5 }]),
  ],
  [
    'scenario.firmwareVersions["2.1.0"].drainFactor must be a number above 0',
    (r) => (scenario(r).firmwareVersions = { '2.1.0': { drainFactor: 0 } }),
  ],
  ['scenario.firmwareVersions must be an object', (r) => (scenario(r).firmwareVersions = 5)],
  ['scenario.fleet[0].tags["batch"] must be a string', (r) => (group(r).tags = { batch: 7 })],
  ['scenario.fleet[0].firmware must be a string or null', (r) => (group(r).firmware = 2)],
  [
    'scenario.fleet[0].powerOn.spreadUs must be a number >= 0',
    (r) => (group(r).powerOn = { startUs: 0, spreadUs: -1 }),
  ],
  ['scenario.fleet[0].timezoneOffsetsUs[0] must be a number', (r) => (group(r).timezoneOffsetsUs = ['UTC'])],
];

describe('malformed cohort settings of the scenario a report carries', () => {
  it('reads back the settings a run writes', () => {
    const text = edited((r) => {
      scenario(r).compare = [{ by: 'tag:batch', baseline: 'a' }];
      scenario(r).firmwareVersions = { '2.1.0': { drainFactor: 1.08 } };
      Object.assign(group(r), { tags: { batch: 'a' }, powerOn: null, timezoneOffsetsUs: [3600e6] });
    });
    expect(parseReport(text, 'r.json').scenario.compare).toEqual([{ by: 'tag:batch', baseline: 'a' }]);
  });

  it.each(SCENARIO_CASES)('%s: one line', async (message, edit) => {
    const e = await toolErrorOf(() => parseReport(edited(edit), 'r.json'));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toContain(message);
  });
});

// Found by the report fuzzer: `report merge` crashed in the run warnings on a rollout selector
// that was not an object.
describe('malformed rollout plan of the scenario a report carries', () => {
  let rollout: unknown;
  beforeAll(async () => {
    const s = await resolveScenarioObject(
      {
        name: 'rollout',
        duration: '2h',
        fleet: [{ device: 'sensor', count: 10 }],
        rollout: { firmware: { version: '9.9.9', size: '1MiB' }, start: '10m', waves: ['50%', '100%'] },
      },
      'rollout (in memory)',
      { env: {} },
    );
    rollout = s.rollout;
  });
  const plan = (r: Obj): Obj => {
    scenario(r).rollout = structuredClone(rollout);
    return scenario(r).rollout as Obj;
  };
  const selector = (r: Obj): Obj => plan(r).selector as Obj;

  it('reads back the rollout a run writes', () => {
    expect(
      parseReport(
        edited((r) => plan(r)),
        'r.json',
      ).scenario.rollout?.startUs,
    ).toBe(600e6);
  });

  it.each<[string, (r: Obj) => void]>([
    ['scenario.rollout.selector must be an object', (r) => (plan(r).selector = 1e12)],
    ['scenario.rollout.selector.deviceTypes must be an array', (r) => (selector(r).deviceTypes = 'sensor')],
    ['scenario.rollout.selector.fromVersions[0] must be a string', (r) => (selector(r).fromVersions = [1])],
    ['scenario.rollout.selector.ratio must be a number >= 0', (r) => (selector(r).ratio = -1)],
    ['scenario.rollout.startUs must be a number', (r) => delete plan(r).startUs],
    ['scenario.rollout.waveIntervalUs must be a number or null', (r) => (plan(r).waveIntervalUs = '1h')],
    ['scenario.rollout.kind must be one of update, rollback', (r) => (plan(r).kind = 'sideways')],
    ['scenario.rollout.failureLimit must be an object', (r) => (plan(r).failureLimit = 0.1)],
    [
      'scenario.rollout.failureLimit.action must be one of pause, abort',
      (r) => (plan(r).failureLimit = { ratio: 0.1, action: 'x' }),
    ],
    [
      'scenario.rollout.installWindow.endUs must be a number',
      (r) => (plan(r).installWindow = { startUs: 0 }),
    ],
  ])('%s: one line', async (message, edit) => {
    const e = await toolErrorOf(() => parseReport(edited(edit), 'r.json'));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toContain(message);
  });
});

// Found by the report fuzzer: `report merge` added the runs' figures up, so a URL with a password
// planted in run.eventsProcessed was concatenated into the merged report.json.
describe('the run section', () => {
  it.each<[string, (r: Obj) => void]>([
    [
      'run.eventsProcessed must be a number',
      (r) => ((r.run as Obj).eventsProcessed = 'mqtt://u:pw-planted@127.0.0.1:1'),
    ],
    ['run.wallMs must be a number', (r) => delete (r.run as Obj).wallMs],
    ['run.startedAt must be a string', (r) => ((r.run as Obj).startedAt = 5)],
    ['run.outDir must be a string or null', (r) => ((r.run as Obj).outDir = [])],
  ])('%s: one line', async (message, edit) => {
    const e = await toolErrorOf(() => parseReport(edited(edit), 'r.json'));
    expect(e.message).toContain(message);
  });
});

describe('render, merge and replay refuse them with exit 2 and one line', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetstorm-sections-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['sites.worstByFailure[0].devices', (r: Obj) => (line(r, 'worstByFailure').devices = null)],
    ['cohorts.dimensions[0].comparisons[0].stat', (r: Obj) => (comparison(r).stat = 'x')],
    ['scenario.fleet[0].tags', (r: Obj) => (group(r).tags = { batch: 7 })],
    ['run.eventsProcessed', (r: Obj) => ((r.run as Obj).eventsProcessed = 'mqtt://u:pw-planted@127.0.0.1:1')],
  ])('%s', async (field, edit) => {
    const file = join(dir, 'report.json');
    await writeFile(file, edited(edit));
    for (const argv of [
      ['report', 'render', file, '--out', join(dir, 'render')],
      ['report', 'merge', file, file, '--out', join(dir, 'merge')],
      ['replay', file, '--out', join(dir, 'replay'), '--quiet'],
    ]) {
      const r = await runMain(argv);
      expect(r.code, r.stderr).toBe(2);
      const errors = r.stderr.split('\n').filter((l) => l.length > 0);
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(/^error FLEETSTORM_ERR_REPORT_INPUT: .*report\.json.*; fix: /);
      expect(errors[0]).toContain(field);
      expect(r.stderr + r.stdout).not.toContain('pw-planted');
    }
  });
});
