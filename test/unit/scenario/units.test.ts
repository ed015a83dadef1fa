import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors/tool-error.js';
import {
  UNIT_PATTERNS,
  formatDurationUs,
  formatRatio,
  parseBandwidthBytesPerSec,
  parseChargeMah,
  parseCurrentMa,
  parseDurationRangeUs,
  parseDurationUs,
  parseRatePerSec,
  parseRatio,
  parseRatioRange,
  parseSizeBytes,
  parseSizeRangeBytes,
} from '../../../src/scenario/units.js';

function errorOf(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error('expected a ToolError');
}

describe('parseDurationUs', () => {
  it.each([
    ['250ms', 250_000],
    ['30s', 30_000_000],
    ['15m', 900_000_000],
    ['2h', 7_200_000_000],
    ['1d', 86_400_000_000],
    ['1w', 604_800_000_000],
    ['1h30m', 5_400_000_000],
    ['1m30s500ms', 90_500_000],
    ['1.5h', 5_400_000_000],
    ['100us', 100],
    ['100µs', 100],
    ['0', 0],
    ['0s', 0],
    [0, 0],
  ])('%s → %d µs', (text, us) => {
    expect(parseDurationUs(text)).toBe(us);
  });

  it.each(['15 minutes', '15', '-5m', 'm', '', '1h 30m', '5x', '1.h'])('rejects %j', (text) => {
    const err = errorOf(() => parseDurationUs(text, 'x.yaml: duration'));
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
    expect(err.where).toBe('x.yaml: duration');
    expect(err.got).toBe(text);
    expect(err.fix).toContain('30s');
  });

  it('rejects a bare number other than 0, saying it has no unit', () => {
    const err = errorOf(() => parseDurationUs(30, 'f: d'));
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
    expect(err.message).toContain('no unit');
  });

  it('round-trips through formatDurationUs', () => {
    for (const text of ['1h30m', '2m', '1d6h', '250ms', '45s', '0s']) {
      expect(formatDurationUs(parseDurationUs(text))).toBe(text);
    }
  });
});

describe('parseSizeBytes', () => {
  it.each([
    ['512B', 512],
    ['4KiB', 4096],
    ['4MiB', 4 * 1024 * 1024],
    ['1GiB', 1024 ** 3],
    ['1GB', 1e9],
    ['1.5kB', 1500],
    ['2 MB', 2e6],
    ['1024', 1024],
    [4096, 4096],
  ])('%s → %d bytes', (text, bytes) => {
    expect(parseSizeBytes(text)).toBe(bytes);
  });

  it.each(['4 megabytes', '4Mb', '1.5', '-1B', 'MiB'])('rejects %j', (text) => {
    expect(errorOf(() => parseSizeBytes(text, 'f: size')).code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
  });

  it('rejects negative and fractional plain numbers', () => {
    expect(errorOf(() => parseSizeBytes(-1)).code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
    expect(errorOf(() => parseSizeBytes(1.5)).code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
  });
});

describe('parseRatio', () => {
  it.each([
    ['10%', 0.1],
    ['0.5%', 0.005],
    ['100%', 1],
    ['0%', 0],
    ['0.1', 0.1],
    [0.25, 0.25],
  ])('%s → %d', (text, ratio) => {
    expect(parseRatio(text)).toBeCloseTo(ratio, 12);
  });

  it('rejects more than 100% as out of range, suggesting % for a bare number', () => {
    const err = errorOf(() => parseRatio('150%', 'f: who'));
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(err.where).toBe('f: who');
    expect(errorOf(() => parseRatio(10)).fix).toContain('`10%`');
  });

  it('accepts more than 100% when allowed (scale factors)', () => {
    expect(parseRatio('250%', '', { max: 10 })).toBe(2.5);
  });

  it.each(['ten percent', '%', '10%%', '-5%'])('rejects %j', (text) => {
    expect(errorOf(() => parseRatio(text)).code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
  });

  it('formats ratios as percentages', () => {
    expect(formatRatio(0.015)).toBe('1.5%');
    expect(formatRatio(1)).toBe('100%');
  });
});

describe('rates, bandwidths, currents, charges', () => {
  it.each([
    ['500/s', 500],
    ['2k/s', 2000],
    ['6000/min', 100],
    ['7200/h', 2],
    ['1M/s', 1_000_000],
    ['250', 250],
    [40, 40],
  ])('rate %s → %d/s', (text, perSec) => {
    expect(parseRatePerSec(text)).toBe(perSec);
  });

  it.each([
    ['250kbit/s', 31_250],
    ['10Mbps', 1_250_000],
    ['1Gbit/s', 125_000_000],
    ['1MiB/s', 1_048_576],
    ['100KB/s', 100_000],
    ['4096', 4096],
  ])('bandwidth %s → %d B/s', (text, bytesPerSec) => {
    expect(parseBandwidthBytesPerSec(text)).toBe(bytesPerSec);
  });

  it('reads currents and charges', () => {
    expect(parseCurrentMa('5uA')).toBeCloseTo(0.005, 12);
    expect(parseCurrentMa('15mA')).toBe(15);
    expect(parseCurrentMa('0.2A')).toBe(200);
    expect(parseChargeMah('2600mAh')).toBe(2600);
    expect(parseChargeMah('19Ah')).toBe(19_000);
    expect(parseChargeMah('20uAh')).toBeCloseTo(0.02, 12);
  });

  it.each([
    [() => parseRatePerSec('fast'), 'rate'],
    [() => parseBandwidthBytesPerSec('10 megabit'), 'bandwidth'],
    [() => parseCurrentMa('5 amps'), 'current'],
    [() => parseChargeMah('2600'), 'charge'],
  ])('rejects a bad %#', (fn, what) => {
    const err = errorOf(fn);
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
    expect(err.message).toContain(what);
  });
});

describe('ranges', () => {
  it('reads a..b and single values', () => {
    expect(parseDurationRangeUs('30s..10m')).toEqual({ min: 30_000_000, max: 600_000_000 });
    expect(parseDurationRangeUs('30s')).toEqual({ min: 30_000_000, max: 30_000_000 });
    expect(parseSizeRangeBytes('40B..2KiB')).toEqual({ min: 40, max: 2048 });
    expect(parseSizeRangeBytes(100)).toEqual({ min: 100, max: 100 });
    expect(parseRatioRange('60%..100%')).toEqual({ min: 0.6, max: 1 });
    expect(parseDurationRangeUs('1s .. 2s')).toEqual({ min: 1_000_000, max: 2_000_000 });
  });

  it('rejects min > max with the swapped range as the fix', () => {
    const err = errorOf(() => parseDurationRangeUs('10m..30s', 'f: faults[0].duration'));
    expect(err.code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
    expect(err.where).toBe('f: faults[0].duration');
    expect(err.fix).toContain('`30s..10m`');
  });

  it.each(['1s..', '..1s', '1s..2s..3s', '1s..x'])('rejects %j', (text) => {
    expect(errorOf(() => parseDurationRangeUs(text)).code).toBe('FLEETSTORM_ERR_SCENARIO_UNIT');
  });
});

describe('UNIT_PATTERNS agree with the parsers', () => {
  const cases: [keyof typeof UNIT_PATTERNS, (v: string) => unknown, string[]][] = [
    ['duration', (v) => parseDurationUs(v), ['1h30m', '250ms', '0', '15 minutes', '1.h', '-5m', '1.5d']],
    ['size', (v) => parseSizeBytes(v), ['4MiB', '1 GB', '512', '1.5', '4Mb']],
    ['bandwidth', (v) => parseBandwidthBytesPerSec(v), ['250kbit/s', '10Mbps', '1MiB/s', '10', '10 meg']],
    ['ratio', (v) => parseRatio(v, '', { max: Infinity }), ['10%', '0.1', '150%', 'x%']],
    ['rate', (v) => parseRatePerSec(v), ['500/s', '2k/s', '6000/min', '3', 'fast', '5/d']],
    ['durationRange', (v) => parseDurationRangeUs(v), ['30s..10m', '30s', '30s..', '1s..2s..3s']],
  ];
  it.each(cases)('%s', (name, parse, samples) => {
    const re = new RegExp(UNIT_PATTERNS[name]);
    for (const sample of samples) {
      let parsed = true;
      try {
        parse(sample);
      } catch {
        parsed = false;
      }
      expect(re.test(sample), sample).toBe(parsed);
    }
  });
});
