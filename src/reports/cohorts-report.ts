// The cohort comparison as people read it: one line per statistic and cohort against the
// baseline ("battery_drain_per_day: 2.1.0 drains 8.1 % ± 2.0 % more than 2.0.3 (n = 5,000 vs
// 5,000)") and a table of each cohort's means, for the terminal summary and the HTML report.
import type { CohortComparison, CohortDimensionReport, CohortEntry } from '../cohorts/compare.js';
import type { CohortStat } from '../cohorts/stats.js';
import { COHORT_STATS } from '../cohorts/stats.js';
import { formatCount } from '../metrics/units.js';
import { percent } from '../cohorts/threshold-observe.js';
import type { Report } from './report-types.js';
import { table } from './text-table.js';

const VERBS: Record<CohortStat, { verb: string; more: string; less: string; unit: string }> = {
  battery_drain_per_day: { verb: 'drains', more: 'more', less: 'less', unit: 'of capacity per day' },
  reconnects_per_device_day: {
    verb: 'reconnects',
    more: 'more often',
    less: 'less often',
    unit: 'per device-day',
  },
  publish_failure_ratio: {
    verb: 'fails',
    more: 'more publishes',
    less: 'fewer publishes',
    unit: 'of publishes',
  },
  ota_failures_per_device: { verb: 'fails', more: 'more updates', less: 'fewer updates', unit: 'per device' },
};

function number(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2);
}

/** A statistic's mean as its unit reads. */
export function meanText(stat: CohortStat, mean: number | null): string {
  if (mean === null) return '–';
  return stat === 'battery_drain_per_day' || stat === 'publish_failure_ratio' ? percent(mean) : number(mean);
}

/** One comparison as a sentence. */
export function comparisonSentence(c: CohortComparison): string {
  const v = VERBS[c.stat];
  const n = `(n = ${formatCount(c.n)} vs ${formatCount(c.baselineN)})`;
  if (c.noData !== null) return `${c.stat}: ${c.cohort} against ${c.baseline}: no data: ${c.noData} ${n}`;
  if (c.relative != null && c.relativeHalfWidth != null) {
    const dir = c.relative < 0 ? v.less : v.more;
    return `${c.stat}: ${c.cohort} ${v.verb} ${percent(c.relative)} ± ${percent(c.relativeHalfWidth)} ${dir} than ${c.baseline} ${n}`;
  }
  if (c.mean === 0 && c.baselineMean === 0)
    return `${c.stat}: 0 ${v.unit} in both ${c.cohort} and ${c.baseline} ${n}`;
  // The baseline's mean is 0: only the absolute difference has a meaning.
  const abs = c.absolute ?? 0;
  const hw = c.absoluteHalfWidth ?? 0;
  const shown = (x: number): string => meanText(c.stat, x);
  return `${c.stat}: ${c.cohort} ${shown(c.mean ?? 0)} vs ${c.baseline} ${shown(c.baselineMean ?? 0)} ${v.unit}, difference ${abs < 0 ? '−' : '+'}${shown(Math.abs(abs))} ± ${shown(hw)} ${n}`;
}

const HEADERS: Record<CohortStat, string> = {
  battery_drain_per_day: 'drain/day',
  reconnects_per_device_day: 'reconnects/device-day',
  publish_failure_ratio: 'publish failures',
  ota_failures_per_device: 'OTA failures/device',
};

function meansRow(c: CohortEntry): string[] {
  return [
    c.name,
    formatCount(c.stats.ota_failures_per_device.n),
    ...COHORT_STATS.map((s) => meanText(s, c.stats[s].mean)),
  ];
}

function dimensionLines(d: CohortDimensionReport): string[] {
  return [
    `cohorts by ${d.by} (baseline ${d.baseline}; differences with their 95 % interval, Welch's t over devices)`,
    ...table([['cohort', 'devices', ...COHORT_STATS.map((s) => HEADERS[s])], ...d.cohorts.map(meansRow)]),
    ...d.comparisons.map((c) => `  ${comparisonSentence(c)}`),
  ];
}

/** The summary's cohort section; empty when nothing was compared. */
export function cohortLines(r: Report): string[] {
  return (r.cohorts?.dimensions ?? []).flatMap((d, i) => (i === 0 ? [] : ['']).concat(dimensionLines(d)));
}

/** The HTML report's cohort tables (text escaped by `esc`). */
export function renderCohortTables(r: Report, esc: (s: string) => string): string {
  return (r.cohorts?.dimensions ?? [])
    .map((d) => {
      const head = ['cohort', 'devices', ...COHORT_STATS.map((s) => HEADERS[s])]
        .map((h, i) => `<th${i === 0 ? '' : ' class="num"'}>${esc(h)}</th>`)
        .join('');
      const rows = d.cohorts
        .map(
          (c) =>
            `<tr>${meansRow(c)
              .map((v, i) => `<td${i === 0 ? '' : ' class="num"'}>${esc(v)}</td>`)
              .join('')}</tr>`,
        )
        .join('');
      const lines = d.comparisons.map((c) => `<li>${esc(comparisonSentence(c))}</li>`).join('');
      return [
        `<h3>${esc(`By ${d.by} (baseline ${d.baseline})`)}</h3>`,
        `<table class="cohorts"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`,
        `<p>Differences with their 95 % confidence interval (Welch's t over per-device values):</p><ul>${lines}</ul>`,
      ].join('');
    })
    .join('');
}
