// The cohort section as read: summary sentences, the HTML table, merges of shard sections, and
// cohorts a scenario names that do not exist.
import { describe, expect, it } from 'vitest';
import { cohortsReport, mergeCohorts } from '../../../src/cohorts/compare.js';
import { SUMS_PER_COHORT_STAT, type CohortPlan } from '../../../src/cohorts/plan.js';
import { addValue } from '../../../src/cohorts/welch.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { cohortLines } from '../../../src/reports/cohorts-report.js';
import { renderHtml } from '../../../src/reports/html/render-html.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { sampleReport } from '../../helpers/sample-report.js';

const PLAN: CohortPlan = {
  dims: [{ by: 'firmware', cohorts: ['2.0.3', '2.1.0'], baseline: '2.0.3', groupCohort: [], offset: 0 }],
  sites: null,
  groupEnds: [],
  sumsLength: 2 * 4 * SUMS_PER_COHORT_STAT,
};

/** Per-device drains around `mean` (one day each), 0.01 apart, and no OTA failures. */
function sums(drains: [number, number], n: number, from = 0): number[] {
  const s = new Float64Array(PLAN.sumsLength);
  [0, 1].forEach((c) => {
    for (let i = from; i < from + n; i++) {
      addValue(s, c * 4 * SUMS_PER_COHORT_STAT, (drains[c] as number) + ((i % 5) - 2) * 0.001, 1);
      addValue(s, (c * 4 + 3) * SUMS_PER_COHORT_STAT, 0, 1);
    }
  });
  return Array.from(s);
}

describe('cohort report', () => {
  it('reads as one sentence per statistic and a table of means', () => {
    const r = { ...sampleReport(), cohorts: cohortsReport(PLAN, sums([0.05, 0.054], 5000)) };
    const lines = cohortLines(r).join('\n');
    expect(lines).toContain('cohorts by firmware (baseline 2.0.3;');
    expect(lines).toMatch(
      /battery_drain_per_day: 2\.1\.0 drains 8\.0 % ± 0\.\d+ % more than 2\.0\.3 \(n = 5,000 vs 5,000\)/,
    );
    expect(lines).toContain('ota_failures_per_device: 0 per device in both 2.1.0 and 2.0.3');
    expect(lines).toContain('reconnects_per_device_day: 2.1.0 against 2.0.3: no data');
    const html = renderHtml(r);
    expect(html).toContain('<section id="cohorts">');
    expect(html).toContain('<table class="cohorts">');
    expect(html).toContain('2.1.0 drains 8.0 %');
  });

  it('a merge of shard sections equals the section of the whole', () => {
    const whole = cohortsReport(PLAN, sums([0.05, 0.054], 1000));
    const merged = mergeCohorts([
      cohortsReport(PLAN, sums([0.05, 0.054], 400)),
      undefined, // a shard report from before cohorts: nothing to add
      cohortsReport(PLAN, sums([0.05, 0.054], 600, 400)),
    ]);
    const c = (x: typeof whole | undefined) => x?.dimensions[0]?.comparisons[0];
    expect(c(merged)?.n).toBe(1000);
    expect(c(merged)?.relative).toBeCloseTo(c(whole)?.relative ?? NaN, 12);
    expect(c(merged)?.relativeHalfWidth).toBeCloseTo(c(whole)?.relativeHalfWidth ?? NaN, 12);
  });
});

describe('cohorts a scenario names must exist', () => {
  const base = {
    name: 'cohort-check',
    fleet: [
      { device: 'sensor', count: 10, firmware: '2.0.3', tags: { batch: 'a' } },
      { device: 'sensor', count: 10, firmware: '2.1.0' },
    ],
  };
  async function error(extra: Record<string, unknown>): Promise<ToolError> {
    try {
      await resolveScenarioObject({ ...base, ...extra }, 'x.yaml', { env: {} });
    } catch (e) {
      if (e instanceof ToolError) return e;
      throw e;
    }
    throw new Error('resolved');
  }

  it('a misspelt version in a threshold, a baseline that is no cohort, an unknown tag', async () => {
    const t = await error({
      thresholds: ['compare(battery_drain_per_day, firmware="2.1", firmware="2.0.3") < 5%'],
    });
    expect(t.message).toContain('no device is in cohort "2.1" of firmware');
    expect(t.fix).toContain('"2.0.3", "2.1.0"');
    const b = await error({ compare: [{ by: 'firmware', baseline: '1.0.0' }] });
    expect(b.where).toContain('compare[0].baseline');
    const tag = await error({ compare: [{ by: 'tag:region' }] });
    expect(tag.fix).toContain('tags: { region: <value> }');
    const site = await error({ compare: [{ by: 'site' }] });
    expect(site.message).toContain('no sites');
  });

  it('a known cohort resolves; the resolved scenario keeps compare, tags and firmware-versions', async () => {
    const s = await resolveScenarioObject(
      {
        ...base,
        compare: [{ by: 'tag:batch' }],
        'firmware-versions': { '2.1.0': { 'drain-factor': 1.08 } },
        thresholds: ['compare(battery_drain_per_day, firmware="2.1.0", firmware="2.0.3") < 5%'],
      },
      'x.yaml',
      { env: {} },
    );
    expect(s.compare).toEqual([{ by: 'tag:batch', baseline: null }]);
    expect(s.firmwareVersions).toEqual({ '2.1.0': { drainFactor: 1.08 } });
    expect(s.fleet[0]?.tags).toEqual({ batch: 'a' });
  });
});
