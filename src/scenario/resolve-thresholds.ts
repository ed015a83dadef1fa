// Thresholds: `expr` strings or `{ expr, abort }` → ThresholdConfig. Each expression is checked
// with the metrics module's own parser (one grammar, no drift), and its error is re-pointed at
// the scenario or profile field it came from.
import { ToolError } from '../errors/tool-error.js';
import { parseThreshold } from '../metrics/thresholds.js';
import type { ThresholdConfig } from './types.js';

export type ThresholdParsed = string | { expr: string; abort: boolean; 'allow-empty': boolean };

export function checkThresholdExpr(expr: string, where: string): void {
  try {
    parseThreshold(expr);
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    throw new ToolError(e.code, e.message, { where, got: expr, fix: e.fix });
  }
}

export function resolveThresholds(
  thresholds: readonly ThresholdParsed[],
  at: (path: string) => string,
  path = 'thresholds',
): ThresholdConfig[] {
  return thresholds.map((t, i) => {
    const cfg: ThresholdConfig =
      typeof t === 'string'
        ? { expr: t, abortOnFail: false }
        : { expr: t.expr, abortOnFail: t.abort, ...(t['allow-empty'] ? { allowEmpty: true } : {}) };
    checkThresholdExpr(cfg.expr, at(`${path}[${i}]`));
    return cfg;
  });
}
