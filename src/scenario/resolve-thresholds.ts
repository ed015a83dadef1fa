// Thresholds: shape and metric names only. The expression grammar belongs to src/metrics; this
// catches the common mistakes (a typo in a metric name, no comparison) at validate time.
import { ToolError } from '../errors/tool-error.js';
import { COUNTERS, DERIVED, HISTOGRAMS } from '../metrics/catalog.js';
import type { ThresholdConfig } from './types.js';
import { closest } from './suggest.js';

export type ThresholdParsed = string | { expr: string; abort: boolean };

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false']);

/** Every name a threshold may use: histograms, counters (without labels) and derived values. */
export const THRESHOLD_METRICS: readonly string[] = [
  ...new Set([...HISTOGRAMS, ...COUNTERS.map((c) => c.replace(/\{.*$/, '')), ...DERIVED]),
];

/** Identifiers in `expr` that are metric references (not functions, unit suffixes or labels). */
export function metricNamesIn(expr: string): string[] {
  const bare = expr.replace(/"[^"]*"|'[^']*'/g, '""').replace(/\{[^}]*\}/g, '');
  const names: string[] = [];
  for (const m of bare.matchAll(/(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g)) {
    const name = m[1] ?? '';
    if (m[2] === undefined && !KEYWORDS.has(name)) names.push(name);
  }
  return names;
}

function thresholdError(message: string, where: string, got: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_THRESHOLD', message, { where, got, fix });
}

export function checkThresholdExpr(expr: string, where: string): void {
  if (!/(<=|>=|==|!=|<|>)/.test(expr)) {
    throw thresholdError(
      'a threshold needs a comparison',
      where,
      expr,
      'write e.g. `ota_bricked_total == 0`',
    );
  }
  const names = metricNamesIn(expr);
  if (names.length === 0) {
    throw thresholdError(
      'a threshold needs a metric',
      where,
      expr,
      'write e.g. `connect_failure_ratio < 1%`',
    );
  }
  for (const name of names) {
    if (!THRESHOLD_METRICS.includes(name)) {
      const guess = closest(name, THRESHOLD_METRICS);
      const fix = guess ? `did you mean \`${guess}\`?` : 'see src/metrics/catalog.ts for the metric names';
      throw thresholdError(`unknown metric \`${name}\``, where, expr, fix);
    }
  }
}

export function resolveThresholds(
  thresholds: readonly ThresholdParsed[],
  at: (path: string) => string,
  path = 'thresholds',
): ThresholdConfig[] {
  return thresholds.map((t, i) => {
    const cfg =
      typeof t === 'string' ? { expr: t, abortOnFail: false } : { expr: t.expr, abortOnFail: t.abort };
    checkThresholdExpr(cfg.expr, at(`${path}[${i}]`));
    return cfg;
  });
}
