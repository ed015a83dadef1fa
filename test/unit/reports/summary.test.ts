import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../../src/reports/summary-text.js';
import type { ResolvedScenario } from '../../../src/scenario/types.js';
import { makeScenario, reportFrom, seededAggregator } from './fixtures.js';

const scenario = makeScenario({
  thresholds: [
    { expr: 'p99(mqtt_connect_duration_us) < 10s', abortOnFail: false },
    { expr: 'connect_failure_ratio < 1%', abortOnFail: true },
  ],
});

describe('renderSummary', () => {
  const report = reportFrom({
    agg: seededAggregator(9),
    scenario,
    overrides: {
      warnings: ['generator fell behind schedule by up to 1.2s'],
      faults: [
        { faultId: 'f0', type: 'backend-outage', atUs: 20_000_000, durationUs: 15_000_000, devicesHit: 1000 },
      ],
    },
  });
  const text = renderSummary(report);
  const lines = text.split('\n');

  it('starts with the scenario and verdict and ends with the replay line', () => {
    expect(lines[0]).toBe('fleetstorm 0.1.0  scenario unit-fixture  seed 42  mode virtual');
    expect(lines[1]).toBe('verdict: FAILED');
    expect(lines[2]).toBe('run: completed, reached 1m of 1m');
    expect(lines[3]).toBe('devices: 1,000');
    expect(lines.at(-2)).toBe('replay: fleetstorm run scenarios/unit-fixture.yaml --seed 42');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('has a latency table in human units', () => {
    const header = lines.find((l) => l.startsWith('latency'));
    expect(header).toMatch(/^latency\s+count\s+p50\s+p90\s+p99\s+max$/);
    const row = lines.find((l) => l.startsWith('mqtt_connect_duration_us'));
    const h = report.metrics.histograms.mqtt_connect_duration_us;
    expect(row).toMatch(/^mqtt_connect_duration_us\s+[\d,]+\s+\S+s\s+\S+s\s+\S+s\s+\S+s$/);
    expect(row).toContain(String(h?.count.toLocaleString('en-US')));
    expect(lines.some((l) => l.startsWith('ota_download_duration_us'))).toBe(false);
  });

  it('shows counter families with their label breakdown, and derived values', () => {
    const failed = lines.find((l) => l.trim().startsWith('mqtt_connect_failed_total'));
    expect(failed).toMatch(/mqtt_connect_failed_total\s+[\d,]+\s+\(timeout [\d,]+\)/);
    expect(lines.find((l) => l.trim().startsWith('ota_downloaded_bytes_total'))).toMatch(/(GiB|MiB)/);
    expect(lines.find((l) => l.trim().startsWith('connect_failure_ratio'))).toMatch(/\d+(\.\d+)?%$/);
    expect(lines.find((l) => l.trim().startsWith('fleet_recovery_duration_us'))).toMatch(/n\/a$/);
  });

  it('marks thresholds and lists warnings and faults', () => {
    expect(text).toContain('thresholds: 1/2 passed');
    expect(text).toMatch(/ {2}✓ p99\(mqtt_connect_duration_us\) = \S+, limit < 10s\n/);
    expect(text).toMatch(/ {2}✗ connect_failure_ratio = \S+%, limit < 1% \[abort\]\n/);
    expect(text).toContain('warnings (1)\n  - generator fell behind schedule by up to 1.2s');
    expect(text).toMatch(/f0\s+backend-outage\s+at 20s\s+1,000 devices\s+for 15s/);
  });

  it('is pure ASCII with the ascii option', () => {
    const ascii = renderSummary(report, { ascii: true });
    expect(/^[\x20-\x7e\n]*$/.test(ascii)).toBe(true);
    expect(ascii).toContain('  PASS p99(');
    expect(ascii).toContain('  FAIL connect_failure_ratio');
  });

  it('says why a run did not complete', () => {
    const aborted = renderSummary({
      ...report,
      status: 'aborted',
      statusReason: 'threshold failed',
      verdict: 'aborted',
    });
    expect(aborted).toContain('verdict: ABORTED\nrun: aborted (threshold failed), reached 1m of 1m');
  });
});

describe('renderSummary of `when` faults', () => {
  const fault = (id: string, when: string): ResolvedScenario['faults'][number] => ({
    type: 'backend-outage',
    id,
    atUs: null,
    everyUs: null,
    during: null,
    when,
    durationUs: { min: 300e6, max: 300e6 },
    who: { ratio: 1, count: null, deviceTypes: null, firmwareVersions: null, states: null },
    params: { latencyUs: null, lossRatio: null, bandwidthBytesPerSec: null, skewUs: null, slowFactor: null },
  });
  const report = reportFrom({
    agg: seededAggregator(3),
    scenario: makeScenario({
      faults: [fault('f0', 'fleet_online_ratio >= 90%'), fault('f1', 'ota_bricked_total > 0')],
    }),
    overrides: {
      faults: [{ faultId: 'f0', type: 'backend-outage', atUs: 30e6, durationUs: 300e6, devicesHit: 900 }],
    },
  });
  const text = renderSummary(report);

  it('shows the condition that started a fault, and names the one that never started', () => {
    expect(text).toMatch(/f0 {2}backend-outage .* {2}when fleet_online_ratio >= 90%/);
    expect(text).toContain('f1  backend-outage: never started (when ota_bricked_total > 0 did not hold)');
  });
});

describe('a pass with no thresholds', () => {
  it('says that nothing was gated, next to the verdict', () => {
    const report = reportFrom({ agg: seededAggregator(9), scenario: makeScenario({ thresholds: [] }) });
    expect(report.verdict).toBe('passed');
    expect(renderSummary(report).split('\n')[1]).toBe(
      'verdict: PASSED (no thresholds set: nothing was gated)',
    );
  });
});
