import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDurationUs,
  formatInteger,
  formatMetricValue,
  formatRatio,
  formatVirtualTime,
} from '../../../src/reports/html/format.js';

const S = 1_000_000;
const M = 60 * S;
const H = 60 * M;

describe('formatVirtualTime', () => {
  it.each([
    [0, '0'],
    [250_000, '250ms'],
    [45 * S, '45s'],
    [90 * S, '1m30s'],
    [12 * M, '12m'],
    [6 * H, '6h'],
    [H + 30 * M, '1h30m'],
    [24 * H, '24h'],
    [36 * H, '36h'],
    [4 * 24 * H + 6 * H, '4d6h'],
  ])('%d µs → %s', (us, text) => {
    expect(formatVirtualTime(us)).toBe(text);
  });
});

describe('formatDurationUs', () => {
  it.each([
    [0, '0'],
    [850, '850µs'],
    [12_500, '12.5ms'],
    [1_500_000, '1.5s'],
    [48 * S, '48s'],
    [4 * M + 20 * S, '4m20s'],
    [10 * H + 20 * M, '10h20m'],
  ])('%d µs → %s', (us, text) => {
    expect(formatDurationUs(us)).toBe(text);
  });

  it('shows a dash for missing values', () => {
    expect(formatDurationUs(null)).toBe('–');
  });
});

describe('counts, ratios, bytes', () => {
  it('abbreviates counts with SI suffixes', () => {
    expect([950, 1_200, 12_345, 3_400_000, 2e9].map(formatCount)).toEqual([
      '950',
      '1.2k',
      '12.3k',
      '3.4M',
      '2G',
    ]);
  });

  it('groups integers with thin spaces', () => {
    expect(formatInteger(1_234_567)).toBe('1\u202f234\u202f567');
  });

  it('never rounds a near-miss up to 100% or a tiny share down to 0%', () => {
    expect(formatRatio(0.9995)).toBe('99.95%');
    expect(formatRatio(1)).toBe('100%');
    expect(formatRatio(0.5)).toBe('50%');
    expect(formatRatio(0.00004)).toBe('<0.01%');
    expect(formatRatio(0)).toBe('0%');
  });

  it('uses binary byte units', () => {
    expect(formatBytes(4 * 1024 * 1024)).toBe('4MiB');
    expect(formatBytes(512)).toBe('512B');
  });

  it('formats a metric by the unit in its name', () => {
    expect(formatMetricValue('mqtt_connect_duration_us', 2_000_000)).toBe('2s');
    expect(formatMetricValue('ota_failure_ratio', 0.02)).toBe('2%');
    expect(formatMetricValue('ota_downloaded_bytes_total', 1024)).toBe('1KiB');
    expect(formatMetricValue('mqtt_connect_failed_total{reason="timeout"}', 1500)).toBe('1\u202f500');
  });
});
