// Property: whatever mix of faults, a rollout and thresholds a scenario has, each one that falls
// outside the run or selects no device gets its own warning (in the report of a run, too), none
// that can happen gets one, and --strict refuses exactly the scenarios that have any.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';
import { planWarnings } from '../../src/scenario/vacuity.js';
import { toolErrorOf } from '../helpers/tool-error.js';

interface Item {
  fault: Record<string, unknown>;
  bad: boolean;
}

const H = 60; // minutes per hour

/** A device fault, inside the run or not, selecting devices or nobody. */
const faultArb = (durationMin: number): fc.Arbitrary<Item> =>
  fc.oneof(
    fc
      .record({
        type: fc.constantFrom('radio-drop', 'power-loss'),
        atMin: fc.integer({ min: 0, max: durationMin - 1 }),
      })
      .map((f) => ({
        fault: { type: f.type, at: `${f.atMin}m`, duration: '1m', who: '10%' },
        bad: false,
      })),
    fc
      .record({
        type: fc.constantFrom('radio-drop', 'battery-flat'),
        lateMin: fc.integer({ min: 0, max: 600 }),
      })
      .map((f) => ({
        fault: { type: f.type, at: `${durationMin + f.lateMin}m`, duration: '1m' },
        bad: true,
      })),
    fc.constantFrom(
      { fault: { type: 'power-loss', at: '10m', who: { firmware: '0.0.9' } }, bad: true },
      { fault: { type: 'radio-drop', at: '10m', duration: '1m', who: '0%' }, bad: true },
      // bad unless a rollout starts inside the run (decided in expected())
      { fault: { type: 'radio-drop', during: 'ota.downloading', duration: '1m', who: '5%' }, bad: true },
      { fault: { type: 'backend-outage', at: '20m', duration: '2m' }, bad: false },
    ),
  );

interface Gen {
  durationMin: number;
  items: Item[];
  outageThreshold: boolean;
  allowEmpty: boolean;
  /** Rollout start in minutes (null: none); at or past durationMin it is outside the run. */
  rolloutMin: number | null;
  bricked: boolean;
}

const scenarioArb: fc.Arbitrary<Gen> = fc.integer({ min: 1, max: 6 }).chain((hours) =>
  fc.record({
    durationMin: fc.constant(hours * H),
    items: fc.array(faultArb(hours * H), { minLength: 0, maxLength: 4 }),
    outageThreshold: fc.boolean(),
    allowEmpty: fc.boolean(),
    rolloutMin: fc.option(fc.integer({ min: 0, max: hours * H + 120 }), { nil: null }),
    bricked: fc.boolean(),
  }),
);

function scenarioOf(x: Gen): Record<string, unknown> {
  return {
    name: 'prop',
    duration: `${x.durationMin}m`,
    // gateways hear of a rollout by push: it reaches them whenever it starts inside the run
    fleet: [{ device: 'gateway', count: 40 }],
    ...(x.rolloutMin === null
      ? {}
      : {
          rollout: {
            firmware: { version: '9.9.9', size: '64KiB' },
            start: `${x.rolloutMin}m`,
            waves: ['100%'],
          },
        }),
    faults: x.items.map((i) => i.fault),
    thresholds: [
      ...(x.outageThreshold
        ? [{ expr: 'outage_not_reconnected_total == 0', 'allow-empty': x.allowEmpty }]
        : []),
      ...(x.bricked ? ['ota_bricked_total == 0'] : []),
    ],
  };
}

function expected(x: Gen): { faults: boolean[]; thresholds: boolean[]; rollout: boolean } {
  const outage = x.items.some((i) => i.fault.type === 'backend-outage');
  const rolloutIn = x.rolloutMin !== null && x.rolloutMin < x.durationMin;
  const faults = x.items.map((i) => (i.fault.during === 'ota.downloading' ? !rolloutIn : i.bad));
  const thresholds = [
    ...(x.outageThreshold ? [!x.allowEmpty && !outage] : []),
    ...(x.bricked ? [!rolloutIn] : []),
  ];
  return { faults, thresholds, rollout: x.rolloutMin !== null && !rolloutIn };
}

describe('every vacuous fault and threshold gets a warning', () => {
  it('at load time, and --strict refuses exactly those scenarios', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (x) => {
        const s = await resolveScenarioObject(scenarioOf(x), 'prop', { env: {} });
        const fields = planWarnings(s).map((w) => w.field);
        const want = expected(x);
        want.faults.forEach((bad, i) => expect(fields.some((f) => f.startsWith(`faults[${i}]`))).toBe(bad));
        want.thresholds.forEach((bad, i) => expect(fields.includes(`thresholds[${i}]`)).toBe(bad));
        expect(fields.includes('rollout.start')).toBe(want.rollout);
        const anyBad = [...want.faults, ...want.thresholds, want.rollout].includes(true);
        const strict = resolveScenarioObject(scenarioOf(x), 'prop', { env: {}, overrides: { strict: true } });
        if (anyBad) expect((await toolErrorOf(strict)).exitCode).toBe(2);
        else await expect(strict).resolves.toBeDefined();
      }),
      { numRuns: 40, seed: 12 },
    );
  });

  it('in the report of a virtual run', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (x) => {
        const s = await resolveScenarioObject({ ...scenarioOf(x), workers: 1 }, 'prop', { env: {} });
        const { report } = await runResolved(s, { noFiles: true });
        for (const w of planWarnings(s)) expect(report.warnings).toContain(w.text);
        const want = expected(x);
        want.faults.forEach((bad, i) => {
          if (bad) expect(report.warnings.some((w) => w.includes(`fault f${i} `))).toBe(true);
        });
        if (want.rollout)
          expect(report.warnings.some((w) => w.startsWith('rollout 9.9.9 starts at'))).toBe(true);
        // a threshold on what the run never had fails with no data
        want.thresholds.forEach((bad, i) => {
          if (bad) expect(report.thresholds[i]).toMatchObject({ ok: false, observed: null });
        });
      }),
      { numRuns: 12, seed: 7 },
    );
  });
});
