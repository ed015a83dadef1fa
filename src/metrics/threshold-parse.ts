// Threshold expressions: `<statistic or metric> <op> <limit>`.
//   p99(mqtt_connect_duration_us) < 2s      p(99.9)(x) <= 500ms     max(x) / min / mean / count
//   ota_bricked_total == 0                  ota_failed_total{reason="verify"} < 10
//   ota_failed_total < 100   (a family name sums all its labels)
//   connect_failure_ratio < 1%              fleet_recovery_duration_us < 30m
//   compare(battery_drain_per_day, firmware="2.1.0", firmware="2.0.3") < 5%   (threshold-compare.ts)
// A metric may be written without its `_us` suffix (`p99(mqtt_connect_duration)`), as in the
// scenario examples. Errors are ToolErrors naming the expression and the closest metric.
import { ToolError } from '../errors/tool-error.js';
import type { CounterName, DerivedName, HistogramName } from './catalog.js';
import { closestNames, countersFor, isDerivedName, isHistogramName, normaliseLabels } from './names.js';
import { LIMIT_UNITS_HELP, parseLimit, type ValueKind } from './units.js';
import { isCompareExpr, parseCompare, type CompareTarget } from './threshold-compare.js';

export const THRESHOLD_OPS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

export type HistogramStat = 'percentile' | 'max' | 'min' | 'mean' | 'count';

export type ThresholdTarget =
  | { kind: 'histogram'; metric: HistogramName; stat: HistogramStat; percentile: number | null }
  | { kind: 'counter'; metric: string; counters: readonly CounterName[] }
  | { kind: 'derived'; metric: DerivedName }
  | CompareTarget;

export interface ParsedThreshold {
  expr: string;
  /** Left-hand side as written (trimmed), used in messages. */
  lhs: string;
  target: ThresholdTarget;
  op: ThresholdOp;
  /** In the observed value's unit: µs, ratio 0..1, bytes or count. */
  limit: number;
  /** Right-hand side as written (trimmed). */
  limitText: string;
  valueKind: ValueKind;
}

const STAT_FUNCTIONS = 'p50, p90, p99, p999, p(99.9), max, min, mean, count';

function fail(expr: string, message: string, fix: string, got?: string): never {
  throw new ToolError('FLEETSTORM_ERR_THRESHOLD', message, {
    where: `threshold "${expr}"`,
    ...(got === undefined ? {} : { got }),
    fix,
  });
}

/** Finds the comparison operator outside label braces and quotes. */
function splitAtOperator(expr: string): { lhs: string; op: ThresholdOp; rhs: string } | null {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i] as string;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (depth === 0) {
      const op = THRESHOLD_OPS.find((o) => expr.startsWith(o, i));
      if (op) return { lhs: expr.slice(0, i).trim(), op, rhs: expr.slice(i + op.length).trim() };
    }
  }
  return null;
}

/** `p99` → 99, `p995` → 99.5, `p999` → 99.9, `p9999` → 99.99, `p100` → 100; else null. */
function percentileOfName(digits: string): number | null {
  if (digits === '100' || digits.length <= 2) return Number(digits);
  return /^9\d{2,}$/.test(digits) ? Number(`${digits.slice(0, 2)}.${digits.slice(2)}`) : null;
}

interface Lhs {
  stat: HistogramStat | null;
  percentile: number | null;
  name: string;
}

const FN_ARG_NAME = /^([a-z]+)\s*\(\s*([^()]*?)\s*\)\s*\(\s*([^()]*?)\s*\)$/;
const FN_NAME = /^([a-z]+\d*)\s*\(\s*([^()]*?)\s*\)$/;
const BARE_NAME = /^[a-z_][a-z0-9_]*(\{[^{}]*\})?$/;

function parseStat(expr: string, fn: string, arg: string | null): Pick<Lhs, 'stat' | 'percentile'> {
  const pm = /^p(\d+)$/.exec(fn);
  let percentile: number | null = null;
  if (fn === 'p' && arg !== null && /^\d+(\.\d+)?$/.test(arg)) percentile = Number(arg);
  else if (pm && arg === null) percentile = percentileOfName(pm[1] as string);
  else if (arg === null && (fn === 'max' || fn === 'min' || fn === 'mean' || fn === 'count')) {
    return { stat: fn, percentile: null };
  } else if (arg === null && fn === 'avg') return { stat: 'mean', percentile: null };
  else
    fail(
      expr,
      `unknown statistic "${fn}${arg === null ? '' : `(${arg})`}"`,
      `use one of ${STAT_FUNCTIONS}`,
      fn,
    );
  if (percentile === null || percentile < 0 || percentile > 100) {
    fail(
      expr,
      'a percentile must be between 0 and 100',
      'write e.g. p99(...) or p(99.9)(...)',
      String(percentile),
    );
  }
  return { stat: 'percentile', percentile };
}

function parseLhs(expr: string, text: string): Lhs {
  const withArg = FN_ARG_NAME.exec(text);
  if (withArg)
    return { ...parseStat(expr, withArg[1] as string, withArg[2] as string), name: withArg[3] as string };
  const fnOnly = FN_NAME.exec(text);
  if (fnOnly) return { ...parseStat(expr, fnOnly[1] as string, null), name: fnOnly[2] as string };
  if (BARE_NAME.test(text)) return { stat: null, percentile: null, name: text };
  return fail(
    expr,
    'cannot read the left-hand side',
    `write a metric (ota_bricked_total), a labelled counter (ota_failed_total{reason="verify"}) or a statistic of a histogram (${STAT_FUNCTIONS})`,
    text,
  );
}

function unknownMetric(expr: string, name: string): never {
  const near = closestNames(name);
  return fail(
    expr,
    `unknown metric "${name}"; did you mean "${near[0] ?? ''}"?`,
    `use one of the closest names (${near.join(', ')}) or a metric of the "Metrics" section of fleetstorm's README.md`,
    name,
  );
}

function resolveTarget(expr: string, lhs: Lhs): ThresholdTarget {
  const name = normaliseLabels(lhs.name);
  const hist = isHistogramName(name) ? name : isHistogramName(`${name}_us`) ? `${name}_us` : null;
  if (hist !== null && isHistogramName(hist)) {
    if (lhs.stat === null) {
      fail(
        expr,
        `"${hist}" is a histogram: compare one of its statistics`,
        `write e.g. p99(${hist}) or max(${hist})`,
      );
    }
    return { kind: 'histogram', metric: hist, stat: lhs.stat, percentile: lhs.percentile };
  }
  const derived = isDerivedName(name) ? name : isDerivedName(`${name}_us`) ? `${name}_us` : null;
  const counters = countersFor(name);
  if (derived === null && counters === null) unknownMetric(expr, name);
  if (lhs.stat !== null) {
    const what = derived !== null ? 'a derived value' : 'a counter';
    fail(expr, `"${name}" is ${what}, not a histogram`, `compare it directly, e.g. ${derived ?? name} < 10`);
  }
  if (derived !== null && isDerivedName(derived)) return { kind: 'derived', metric: derived };
  return { kind: 'counter', metric: name, counters: counters ?? [] };
}

/** Unit of what a target observes. */
export function valueKindOf(target: ThresholdTarget): ValueKind {
  switch (target.kind) {
    case 'histogram':
      return target.stat === 'count' ? 'count' : 'duration';
    case 'counter':
      return target.metric.includes('_bytes_') ? 'bytes' : 'count';
    case 'derived':
      if (target.metric.endsWith('_ratio')) return 'ratio';
      return target.metric.endsWith('_us') ? 'duration' : 'count';
    case 'compare':
      return 'ratio';
  }
}

const UNIT_EXAMPLE: Record<ValueKind, string> = {
  duration: '2s or 500ms',
  ratio: '1% or 0.01',
  bytes: '4MiB or 4194304',
  count: 'a plain number',
};

/** Parses one threshold expression; throws ToolError FLEETSTORM_ERR_THRESHOLD when it cannot. */
export function parseThreshold(expr: string): ParsedThreshold {
  const parts = splitAtOperator(expr);
  if (!parts || parts.lhs === '' || parts.rhs === '') {
    return fail(
      expr,
      'expected "<metric> <op> <limit>" with op one of < <= > >= == !=',
      'write e.g. p99(mqtt_connect_duration_us) < 2s',
      expr,
    );
  }
  const target = isCompareExpr(parts.lhs)
    ? parseCompare(expr, parts.lhs, parts.op)
    : resolveTarget(expr, parseLhs(expr, parts.lhs));
  const valueKind = valueKindOf(target);
  const limit = parseLimit(parts.rhs);
  if (!limit) return fail(expr, `cannot read the limit "${parts.rhs}"`, `use ${LIMIT_UNITS_HELP}`, parts.rhs);
  if (limit.kind !== null && limit.kind !== valueKind) {
    fail(
      expr,
      `the limit "${parts.rhs}" is a ${limit.kind} but ${parts.lhs} is a ${valueKind}`,
      `write e.g. ${UNIT_EXAMPLE[valueKind]}`,
      parts.rhs,
    );
  }
  return { expr, lhs: parts.lhs, target, op: parts.op, limit: limit.value, limitText: parts.rhs, valueKind };
}
