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
      { fault: { type: 'radio-drop', during: 'ota.downloading', duration: '1m', who: '5%' }, bad: true },
      { fault: { type: 'backend-outage', at: '20m', duration: '2m' }, bad: false },
    ),
  );

interface Gen {
  durationMin: number;
  items: Item[];
  outageThreshold: boolean;
  allowEmpty: boolean;
}

const scenarioArb: fc.Arbitrary<Gen> = fc.integer({ min: 1, max: 6 }).chain((hours) =>
  fc.record({
    durationMin: fc.constant(hours * H),
    items: fc.array(faultArb(hours * H), { minLength: 0, maxLength: 4 }),
    outageThreshold: fc.boolean(),
    allowEmpty: fc.boolean(),
  }),
);

function scenarioOf(x: Gen): Record<string, unknown> {
  return {
    name: 'prop',
    duration: `${x.durationMin}m`,
    fleet: [{ device: 'sensor', count: 40 }],
    faults: x.items.map((i) => i.fault),
    thresholds: x.outageThreshold
      ? [{ expr: 'outage_not_reconnected_total == 0', 'allow-empty': x.allowEmpty }]
      : [],
  };
}

function expected(x: Gen): { faults: boolean[]; threshold: boolean } {
  const outage = x.items.some((i) => i.fault.type === 'backend-outage');
  return { faults: x.items.map((i) => i.bad), threshold: x.outageThreshold && !x.allowEmpty && !outage };
}

describe('every vacuous fault and threshold gets a warning', () => {
  it('at load time, and --strict refuses exactly those scenarios', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (x) => {
        const s = await resolveScenarioObject(scenarioOf(x), 'prop', { env: {} });
        const fields = planWarnings(s).map((w) => w.field);
        const want = expected(x);
        want.faults.forEach((bad, i) => expect(fields.some((f) => f.startsWith(`faults[${i}]`))).toBe(bad));
        expect(fields.includes('thresholds[0]')).toBe(want.threshold);
        const anyBad = want.faults.includes(true) || want.threshold;
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
        x.items.forEach((item, i) => {
          const named = report.warnings.some((w) => w.includes(`fault f${i} `));
          if (item.bad) expect(named).toBe(true);
        });
      }),
      { numRuns: 12, seed: 7 },
    );
  });
});
