// Threshold evaluation against merged metrics: the live Aggregator (end of run, or mid-run for
// abort thresholds) or a finished report's metrics (after `report merge`). A threshold on no
// data (an empty histogram, a ratio over nothing, a counter whose subject never happened: see
// threshold-subject.ts) fails with "no data: <why>" unless it says `allow-empty: true`.
import type { JsHistogram } from 'hdr-histogram-js';
import type { ThresholdResult } from '../reports/report-types.js';
import type { Report } from '../reports/report-types.js';
import type { ThresholdConfig } from '../scenario/types.js';
import { explainMissingDerived } from './derived.js';
import { maxUsOf, minUsOf } from './hdr.js';
import {
  parseThreshold,
  type ParsedThreshold,
  type ThresholdOp,
  type ThresholdTarget,
} from './threshold-parse.js';
import { isMetricsSource, metricsSourceFromReport, type MetricsSource } from './source.js';
import { missingSubject } from './threshold-subject.js';
import { formatValue } from './units.js';
import { observeCompare } from '../cohorts/threshold-observe.js';
import type { CohortsReport } from '../cohorts/compare.js';

export { parseThreshold, THRESHOLD_OPS } from './threshold-parse.js';
export type { ParsedThreshold, ThresholdOp, ThresholdTarget, HistogramStat } from './threshold-parse.js';

export interface EvaluateOptions {
  /**
   * Mid-run checks (abort thresholds) pass thresholds that have no data yet instead of failing
   * them; the final evaluation keeps the default, where no data fails.
   */
  noDataPasses?: boolean;
  /** The run's cohort comparison (src/cohorts), read by `compare(...)` thresholds. */
  cohorts?: CohortsReport | null;
}

interface Observation {
  value: number | null;
  /** Why value is null. */
  missing: string;
}

function histogramStat(
  hist: JsHistogram,
  target: Extract<ThresholdTarget, { kind: 'histogram' }>,
): number | null {
  if (hist.totalCount === 0) return null; // zero samples: no data, for count() too
  if (target.stat === 'count') return hist.totalCount;
  switch (target.stat) {
    case 'max':
      return maxUsOf(hist);
    case 'min':
      return minUsOf(hist);
    case 'mean':
      return hist.mean;
    case 'percentile':
      return hist.getValueAtPercentile(target.percentile ?? 100);
  }
}

function observe(t: ParsedThreshold, source: MetricsSource): Observation {
  const target = t.target;
  const noSubject = missingSubject(target, source);
  if (noSubject !== null) return { value: null, missing: noSubject };
  switch (target.kind) {
    case 'histogram':
      return {
        value: histogramStat(source.histogram(target.metric), target),
        missing: `no values recorded in ${target.metric}`,
      };
    case 'counter':
      return { value: target.counters.reduce((sum, c) => sum + source.counter(c), 0), missing: '' };
    case 'derived': {
      const value = source.derived(target.metric);
      return { value, missing: value === null ? explainMissingDerived(target.metric, source) : '' };
    }
    case 'compare':
      return { value: null, missing: 'a comparison is observed by observeCompare' };
  }
}

export function compare(observed: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}

/** A threshold as evaluated: abortOnFail is copied to the result; allowEmpty passes it on no data. */
export interface ParsedConfig {
  threshold: ParsedThreshold;
  abortOnFail: boolean;
  allowEmpty?: boolean;
}

function noDataNote(allowEmpty: boolean, options: EvaluateOptions): string {
  if (allowEmpty) return ' (passes: allow-empty)';
  return options.noDataPasses === true ? ' (not yet checked)' : '';
}

/** Evaluates parsed thresholds. */
export function evaluateParsed(
  parsed: readonly ParsedConfig[],
  source: MetricsSource,
  options: EvaluateOptions = {},
): ThresholdResult[] {
  return parsed.map(({ threshold: t, abortOnFail, allowEmpty = false }) => {
    const cmp = t.target.kind === 'compare' ? observeCompare(t.target, t.op, options.cohorts) : null;
    const obs = cmp ?? observe(t, source);
    const limitPart = `limit ${t.op} ${t.limitText}`;
    if (obs.value === null) {
      const ok = options.noDataPasses === true || allowEmpty;
      const message = `${t.lhs}: no data: ${obs.missing}; ${limitPart}${noDataNote(allowEmpty, options)}`;
      return { expr: t.expr, abortOnFail, observed: null, limit: t.limit, ok, message };
    }
    const ok = compare(obs.value, t.op, t.limit);
    const shown = cmp === null ? formatValue(obs.value, t.valueKind) : cmp.text;
    const message = `${t.lhs} = ${shown}, ${limitPart}`;
    return { expr: t.expr, abortOnFail, observed: obs.value, limit: t.limit, ok, message };
  });
}

/**
 * Parses and evaluates thresholds (throws ToolError FLEETSTORM_ERR_THRESHOLD on a bad
 * expression, so validate with parseThreshold before a run).
 */
export function evaluateThresholds(
  configs: readonly ThresholdConfig[],
  metrics: MetricsSource | Report['metrics'],
  options: EvaluateOptions = {},
): ThresholdResult[] {
  const source = isMetricsSource(metrics) ? metrics : metricsSourceFromReport(metrics);
  const parsed = configs.map((c) => ({
    threshold: parseThreshold(c.expr),
    abortOnFail: c.abortOnFail,
    allowEmpty: c.allowEmpty === true,
  }));
  return evaluateParsed(parsed, source, options);
}
