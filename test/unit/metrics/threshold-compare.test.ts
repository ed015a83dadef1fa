// compare(...) thresholds: the grammar, and a gate that reads the interval's far side and fails
// on a comparison that could not be made.
import { describe, expect, it } from 'vitest';
import { cohortsReport, type CohortsReport } from '../../../src/cohorts/compare.js';
import { SUMS_PER_COHORT_STAT, type CohortPlan } from '../../../src/cohorts/plan.js';
import { addValue } from '../../../src/cohorts/welch.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { evaluateThresholds, parseThreshold } from '../../../src/metrics/thresholds.js';
import { metricsSourceFromReport } from '../../../src/metrics/source.js';

const EXPR = 'compare(battery_drain_per_day, firmware="2.1.0", firmware="2.0.3")';

describe('compare(...) threshold grammar', () => {
  it('reads the statistic, the dimension and both cohorts', () => {
    const t = parseThreshold(`${EXPR} < 5%`);
    expect(t.target).toEqual({
      kind: 'compare',
      stat: 'battery_drain_per_day',
      by: 'firmware',
      cohort: '2.1.0',
      baseline: '2.0.3',
    });
    expect(t.limit).toBeCloseTo(0.05, 12);
    expect(t.valueKind).toBe('ratio');
    const tag = parseThreshold("compare(reconnects_per_device_day, tag:batch='b2', tag:batch=b1) <= 0.1");
    expect(tag.target).toMatchObject({ by: 'tag:batch', cohort: 'b2', baseline: 'b1' });
    expect(
      parseThreshold('compare(publish_failure_ratio, device_type="a", device_type="b") > -5%').target,
    ).toMatchObject({
      by: 'device-type',
    });
  });

  it.each([
    ['compare(battery_drain, firmware="a", firmware="b") < 5%', 'unknown cohort statistic'],
    ['compare(battery_drain_per_day, firmware="a", tag:x="b") < 5%', 'both cohorts must be of one kind'],
    ['compare(battery_drain_per_day, firmware="a") < 5%', 'takes a statistic and two cohorts'],
    ['compare(battery_drain_per_day, colour="a", colour="b") < 5%', 'cannot read the cohort'],
    ['compare(battery_drain_per_day, firmware="a", firmware="a") < 5%', 'compared with itself'],
    [`${EXPR} == 5%`, 'takes <, <=, > or >='],
    [`${EXPR} < 2s`, 'is a duration but'],
  ])('%s is refused: %s', (expr, message) => {
    let err: unknown;
    try {
      parseThreshold(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).code).toBe('FLEETSTORM_ERR_THRESHOLD');
    expect((err as ToolError).message).toContain(message);
  });
});

/** Two firmware cohorts with per-device drains drawn around `means`; `sizes` devices each. */
function report(means: [number, number], sizes: [number, number], spread: number): CohortsReport {
  const plan: CohortPlan = {
    dims: [{ by: 'firmware', cohorts: ['2.0.3', '2.1.0'], baseline: '2.0.3', groupCohort: [], offset: 0 }],
    sites: null,
    groupEnds: [],
    sumsLength: 2 * 4 * SUMS_PER_COHORT_STAT,
  };
  const sums = new Float64Array(plan.sumsLength);
  [0, 1].forEach((c) => {
    for (let i = 0; i < (sizes[c] as number); i++) {
      const x = (means[c] as number) * (1 + spread * (((i * 7919) % 101) / 50 - 1));
      addValue(sums, c * 4 * SUMS_PER_COHORT_STAT, x, 1); // battery_drain_per_day over one day
    }
  });
  return cohortsReport(plan, Array.from(sums));
}

const metrics = metricsSourceFromReport({ counters: {}, histograms: {}, derived: {} } as never);

function gate(expr: string, cohorts: CohortsReport | null) {
  const [r] = evaluateThresholds([{ expr, abortOnFail: false }], metrics, { cohorts });
  return r!;
}

describe('compare(...) threshold verdict', () => {
  it('gates on the upper bound for <: a point estimate under the limit with a wide interval fails', () => {
    const wide = report([0.05, 0.052], [20, 20], 0.9); // +4 % ± several %
    const r = gate(`${EXPR} < 5%`, wide);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /= \+\d+\.\d % ± \d+\.\d % \(upper bound \+\d+\.\d %; n = 20 vs 20\), limit < 5%/,
    );
    const narrow = report([0.05, 0.052], [5000, 5000], 0.1);
    expect(gate(`${EXPR} < 5%`, narrow).ok).toBe(true);
    expect(gate(`${EXPR} < 4.1%`, narrow).ok).toBe(false); // +4 % ± ~0.2 %: the bound is above
  });

  it('gates on the lower bound for >', () => {
    const narrow = report([0.05, 0.054], [5000, 5000], 0.1); // +8 %
    expect(gate(`${EXPR} > 7%`, narrow).ok).toBe(true);
    expect(gate(`${EXPR} > 7.99%`, narrow).ok).toBe(false);
  });

  it('an empty cohort, a single device or no cohort data is "no data", a failure', () => {
    const empty = report([0.05, 0.05], [100, 0], 0.1);
    const r = gate(`${EXPR} < 5%`, empty);
    expect(r.ok).toBe(false);
    expect(r.observed).toBeNull();
    expect(r.message).toContain('no data: cohort "2.1.0" has no devices');
    expect(gate(`${EXPR} < 5%`, report([0.05, 0.05], [100, 1], 0.1)).message).toContain('single device');
    expect(gate(`${EXPR} < 5%`, null).message).toContain('no cohorts by firmware were measured');
    // allow-empty is the one explicit way to let it pass
    const [allowed] = evaluateThresholds(
      [{ expr: `${EXPR} < 5%`, abortOnFail: false, allowEmpty: true }],
      metrics,
      {
        cohorts: empty,
      },
    );
    expect(allowed?.ok).toBe(true);
  });
});
