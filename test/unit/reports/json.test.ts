import { describe, expect, it } from 'vitest';
import { deterministicJson, orderKeys, reportToJson, stableJson } from '../../../src/reports/json.js';
import { reportFrom, seededAggregator } from './fixtures.js';

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

describe('report.json', () => {
  const report = reportFrom({ agg: seededAggregator(3) });

  it('round-trips to the same value', () => {
    expect(JSON.parse(reportToJson(report))).toEqual(report);
  });

  it('does not depend on the order objects were built in', () => {
    expect(stableJson(reversedKeys(report))).toBe(reportToJson(report));
  });

  it('is indented by two spaces, starts with the schema version and keeps number arrays on one line', () => {
    const text = reportToJson(report);
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe('  "schemaVersion": 1,');
    expect(lines[2]).toBe('  "tool": {');
    expect(text).toMatch(
      /\n {4}"timesUs": \[10000000, 20000000, 30000000, 40000000, 50000000, 60000000\],\n/,
    );
    expect(text).toMatch(
      /\n {8}\{ "count": \d+, "p50Us": \d+, "p90Us": \d+, "p99Us": \d+, "maxUs": \d+, "hdr": "[^"]+" \}/,
    );
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('orders metric names by the catalog and other keys by code point', () => {
    expect(orderKeys(['ota_bricked_total', 'zeta', 'mqtt_connect_attempts_total', 'alpha'])).toEqual([
      'mqtt_connect_attempts_total',
      'ota_bricked_total',
      'alpha',
      'zeta',
    ]);
  });

  it('leaves out the run facts from the deterministic text', () => {
    const other = { ...report, run: { ...report.run, wallMs: 999_999, startedAt: '2030-01-01T00:00:00Z' } };
    expect(deterministicJson(other)).toBe(deterministicJson(report));
    expect(deterministicJson(report)).not.toContain('wallMs');
  });
});
