import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDurationUs,
  formatRatio,
  parseLimit,
} from '../../../src/metrics/units.js';
import { closestNames, countersFor, normaliseLabels } from '../../../src/metrics/names.js';

describe('parseLimit', () => {
  it.each([
    ['2s', 2_000_000, 'duration'],
    ['500ms', 500_000, 'duration'],
    ['250us', 250, 'duration'],
    ['250µs', 250, 'duration'],
    ['1.5m', 90_000_000, 'duration'],
    ['2h', 7_200_000_000, 'duration'],
    ['1d', 86_400_000_000, 'duration'],
    ['1%', 0.01, 'ratio'],
    ['0.5%', 0.005, 'ratio'],
    ['4MiB', 4_194_304, 'bytes'],
    ['4MB', 4_000_000, 'bytes'],
    ['10', 10, null],
    ['0.25', 0.25, null],
    ['-3', -3, null],
    ['1_000_000', 1_000_000, null],
    ['1e6', 1_000_000, null],
  ])('reads %s', (text, value, kind) => {
    const p = parseLimit(text);
    expect(p?.kind).toBe(kind);
    expect(p?.value).toBeCloseTo(value, 9);
  });

  it.each(['', 's', '2 parsecs', '2ss', 'abc', '.'])('rejects %j', (text) => {
    expect(parseLimit(text)).toBeNull();
  });
});

describe('formatting', () => {
  it.each([
    [0, '0us'],
    [850, '850us'],
    [999.4, '999us'],
    [12_345, '12.3ms'],
    [999_700, '1s'],
    [2_314_000, '2.31s'],
    [2_000_000, '2s'],
    [750_000_000, '12.5m'],
    [86_400_000_000, '24h'],
  ])('duration %d µs → %s', (us, text) => {
    expect(formatDurationUs(us)).toBe(text);
  });

  it('formats ratios, bytes and counts without locale', () => {
    expect(formatRatio(0.01234)).toBe('1.23%');
    expect(formatRatio(0)).toBe('0%');
    expect(formatRatio(1)).toBe('100%');
    expect(formatBytes(4 * 1024 * 1024)).toBe('4MiB');
    expect(formatBytes(1536)).toBe('1.5KiB');
    expect(formatBytes(100)).toBe('100B');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(-1234.5)).toBe('-1,234.5');
    expect(formatCount(12)).toBe('12');
  });
});

describe('metric names', () => {
  it('normalises labels and resolves families', () => {
    expect(normaliseLabels("ota_failed_total{ reason = 'verify' }")).toBe(
      'ota_failed_total{reason="verify"}',
    );
    const reasons = countersFor('mqtt_disconnects_total')?.map((n) => /reason="([^"]+)"/.exec(n)?.[1]);
    expect(reasons).toEqual(
      expect.arrayContaining(['outage', 'keepalive', 'radio', 'power', 'duty_cycle', 'token_expiry']),
    );
    expect(reasons).not.toContain(undefined);
    expect(countersFor('ota_bricked_total')).toEqual(['ota_bricked_total']);
    expect(countersFor('ota_failed_total{reason="nope"}')).toBeNull();
    expect(countersFor('nope_total')).toBeNull();
  });

  it('finds the closest names', () => {
    expect(closestNames('mqtt_conect_duration_us')[0]).toBe('mqtt_connect_duration_us');
    expect(closestNames('fleet_recovery_duration')[0]).toBe('fleet_recovery_duration_us');
  });
});
