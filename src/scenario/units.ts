// Units users write (`250ms`, `1h30m`, `4MiB`, `10%`, `100/s`, `30s..10m`) and the numbers the
// engine runs on (µs, bytes, 0..1 ratios, per-second rates). Pure: every function either returns
// a number or throws a ToolError whose `where` is the file and field path it was given.
import { ToolError } from '../errors/tool-error.js';
import type { Range } from './types.js';

const NUM = String.raw`\d+(?:\.\d+)?`;

const DURATION_UNITS_US: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
  w: 604_800_000_000,
};
// Longest units first so `ms` is not read as `m` + `s`.
const DURATION_UNIT_ALT = 'ms|us|µs|s|m|h|d|w';

const SIZE_UNITS_BYTES: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};
const SIZE_UNIT_ALT = 'KiB|MiB|GiB|TiB|kB|KB|MB|GB|TB|B';

const BIT_UNITS_BITS: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  Mbit: 1e6,
  Gbit: 1e9,
  bps: 1,
  kbps: 1e3,
  Mbps: 1e6,
  Gbps: 1e9,
};

const RATE_PER_UNITS_SEC: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600 };
const MULTIPLIERS: Record<string, number> = { '': 1, k: 1e3, M: 1e6 };
const CURRENT_UNITS_MA: Record<string, number> = { uA: 1e-3, µA: 1e-3, mA: 1, A: 1e3 };
const CHARGE_UNITS_MAH: Record<string, number> = { uAh: 1e-3, µAh: 1e-3, mAh: 1, Ah: 1e3 };

const DURATION_BODY = `(?:0|(?:${NUM}(?:${DURATION_UNIT_ALT}))+)`;
const SIZE_BODY = `(?:${NUM} ?(?:${SIZE_UNIT_ALT})|\\d+)`;
const BANDWIDTH_BODY = `(?:${NUM} ?(?:kbit|Mbit|Gbit|bit)/s|${NUM} ?(?:kbps|Mbps|Gbps|bps)|${NUM} ?(?:${SIZE_UNIT_ALT})/s|\\d+)`;
const RATIO_BODY = `(?:${NUM}%?)`;
const RATE_BODY = `(?:${NUM}[kM]?(?:/(?:sec|min|s|m|h))?)`;
const CURRENT_BODY = `(?:${NUM} ?(?:uA|µA|mA|A))`;
const CHARGE_BODY = `(?:${NUM} ?(?:uAh|µAh|mAh|Ah))`;

const rangeOf = (body: string): string => `^${body}(?: ?\\.\\. ?${body})?$`;

/** Regular expressions (as JSON Schema `pattern` strings) accepted by the parsers below. */
export const UNIT_PATTERNS = {
  duration: `^${DURATION_BODY}$`,
  size: `^${SIZE_BODY}$`,
  bandwidth: `^${BANDWIDTH_BODY}$`,
  ratio: `^${RATIO_BODY}$`,
  rate: `^${RATE_BODY}$`,
  current: `^${CURRENT_BODY}$`,
  charge: `^${CHARGE_BODY}$`,
  durationRange: rangeOf(DURATION_BODY),
  sizeRange: rangeOf(SIZE_BODY),
  ratioRange: rangeOf(RATIO_BODY),
} as const;

export type UnitValue = string | number;

function unitError(what: string, value: UnitValue, where: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_UNIT', `not a valid ${what}`, {
    where: where || undefined,
    got: value,
    fix,
  });
}

function outOfRange(message: string, value: UnitValue, where: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, {
    where: where || undefined,
    got: value,
    fix,
  });
}

/** `250ms`, `30s`, `15m`, `2h`, `1d`, `1h30m`, `1.5h` (or `0`) → whole microseconds. */
export function parseDurationUs(value: UnitValue, where = ''): number {
  const fix = 'write a number with a unit (us, ms, s, m, h, d, w), e.g. `30s`, `15m` or `1h30m`';
  if (value === 0 || value === '0') return 0;
  if (typeof value === 'number') throw unitError('duration (a bare number has no unit)', value, where, fix);
  const text = value.trim();
  if (!new RegExp(UNIT_PATTERNS.duration).test(text)) throw unitError('duration', value, where, fix);
  let totalUs = 0;
  for (const m of text.matchAll(new RegExp(`(${NUM})(${DURATION_UNIT_ALT})`, 'g'))) {
    totalUs += Number(m[1]) * (DURATION_UNITS_US[m[2] ?? ''] ?? Number.NaN);
  }
  return Math.round(totalUs);
}

/** `512B`, `4KiB`, `4MiB`, `1GB`, or a plain number of bytes → whole bytes. */
export function parseSizeBytes(value: UnitValue, where = ''): number {
  const fix = 'write bytes with a unit (B, kB, MB, GB, KiB, MiB, GiB), e.g. `4MiB`';
  if (typeof value === 'number') return checkedNumber(value, 'size', where, fix, true);
  const m = new RegExp(`^(${NUM}) ?(${SIZE_UNIT_ALT})?$`).exec(value.trim());
  if (!m || (m[2] === undefined && !/^\d+$/.test(m[1] ?? ''))) throw unitError('size', value, where, fix);
  return Math.round(Number(m[1]) * (SIZE_UNITS_BYTES[m[2] ?? 'B'] ?? Number.NaN));
}

/** `250kbit/s`, `10Mbps`, `1MiB/s`, or a plain number of bytes per second → bytes per second. */
export function parseBandwidthBytesPerSec(value: UnitValue, where = ''): number {
  const fix = 'write e.g. `250kbit/s`, `10Mbps` or `1MiB/s` (a plain number is bytes per second)';
  if (typeof value === 'number') return checkedNumber(value, 'bandwidth', where, fix, false);
  const text = value.trim();
  const bits = new RegExp(`^(${NUM}) ?(kbit|Mbit|Gbit|bit)/s$|^(${NUM}) ?(kbps|Mbps|Gbps|bps)$`).exec(text);
  if (bits) {
    const amount = Number(bits[1] ?? bits[3]);
    return Math.round((amount * (BIT_UNITS_BITS[bits[2] ?? bits[4] ?? ''] ?? Number.NaN)) / 8);
  }
  const bytes = new RegExp(`^(${NUM}) ?(${SIZE_UNIT_ALT})/s$`).exec(text);
  if (bytes) return Math.round(Number(bytes[1]) * (SIZE_UNITS_BYTES[bytes[2] ?? ''] ?? Number.NaN));
  if (/^\d+$/.test(text)) return Number(text);
  throw unitError('bandwidth', value, where, fix);
}

export interface RatioOptions {
  /** Largest accepted value; 1 (= 100%) unless given. */
  max?: number;
}

/** `10%`, `0.1` or 0.1 → 0.1. Rejects values above `max` (default 100%). */
export function parseRatio(value: UnitValue, where = '', opts: RatioOptions = {}): number {
  const fix = 'write a percentage such as `10%` or a fraction such as `0.1`';
  let ratio: number;
  if (typeof value === 'number') {
    ratio = checkedNumber(value, 'ratio', where, fix, false);
  } else {
    const m = new RegExp(`^(${NUM})(%?)$`).exec(value.trim());
    if (!m) throw unitError('ratio', value, where, fix);
    ratio = m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
  }
  const max = opts.max ?? 1;
  if (ratio > max) {
    const hint = typeof value === 'number' && value > 1 ? ` (for ${value}% write \`${value}%\`)` : '';
    throw outOfRange(
      `must be at most ${formatRatio(max)}`,
      value,
      where,
      `use a share between 0% and ${formatRatio(max)}${hint}`,
    );
  }
  return ratio;
}

/** `100/s`, `6000/min`, `5k/s`, `100` (per second) → events per second. */
export function parseRatePerSec(value: UnitValue, where = ''): number {
  const fix = 'write a rate such as `500/s`, `2k/s` or `6000/min` (a plain number is per second)';
  if (typeof value === 'number') return checkedNumber(value, 'rate', where, fix, false);
  const m = new RegExp(`^(${NUM})([kM]?)(?:/(sec|min|s|m|h))?$`).exec(value.trim());
  if (!m) throw unitError('rate', value, where, fix);
  const count = Number(m[1]) * (MULTIPLIERS[m[2] ?? ''] ?? Number.NaN);
  return count / (RATE_PER_UNITS_SEC[m[3] ?? 's'] ?? Number.NaN);
}

/** `5uA`, `15mA`, `1.2A`, or a plain number of milliampere → milliampere. */
export function parseCurrentMa(value: UnitValue, where = ''): number {
  const fix = 'write a current such as `5uA`, `15mA` or `0.2A` (a plain number is mA)';
  if (typeof value === 'number') return checkedNumber(value, 'current', where, fix, false);
  const m = new RegExp(`^(${NUM}) ?(uA|µA|mA|A)$`).exec(value.trim());
  if (!m) throw unitError('current', value, where, fix);
  return Number(m[1]) * (CURRENT_UNITS_MA[m[2] ?? ''] ?? Number.NaN);
}

/** `2600mAh`, `19Ah`, `20uAh`, or a plain number of mAh → milliampere-hours. */
export function parseChargeMah(value: UnitValue, where = ''): number {
  const fix = 'write a charge such as `2600mAh`, `19Ah` or `20uAh` (a plain number is mAh)';
  if (typeof value === 'number') return checkedNumber(value, 'charge', where, fix, false);
  const m = new RegExp(`^(${NUM}) ?(uAh|µAh|mAh|Ah)$`).exec(value.trim());
  if (!m) throw unitError('charge', value, where, fix);
  return Number(m[1]) * (CHARGE_UNITS_MAH[m[2] ?? ''] ?? Number.NaN);
}

/**
 * `a..b` → {min, max} with each side read by `parseOne`; a single value gives min === max.
 * `30s..10m`, `40B..200B`, `60%..100%`.
 */
export function parseRange(
  value: UnitValue,
  parseOne: (v: UnitValue, where: string) => number,
  where = '',
): Range {
  if (typeof value === 'number') {
    const v = parseOne(value, where);
    return { min: v, max: v };
  }
  const parts = value.split('..');
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) {
    throw unitError('range', value, where, 'write one value or `min..max`, e.g. `30s..10m`');
  }
  const min = parseOne(parts[0]?.trim() ?? '', where);
  const max = parts[1] === undefined ? min : parseOne(parts[1].trim(), where);
  if (min > max) {
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_UNIT', 'range minimum is above its maximum', {
      where: where || undefined,
      got: value,
      fix: `swap the bounds: \`${(parts[1] ?? '').trim()}..${(parts[0] ?? '').trim()}\``,
    });
  }
  return { min, max };
}

export const parseDurationRangeUs = (value: UnitValue, where = ''): Range =>
  parseRange(value, parseDurationUs, where);
export const parseSizeRangeBytes = (value: UnitValue, where = ''): Range =>
  parseRange(value, parseSizeBytes, where);
export const parseRatioRange = (value: UnitValue, where = ''): Range =>
  parseRange(value, (v, w) => parseRatio(v, w), where);

function checkedNumber(value: number, what: string, where: string, fix: string, integer: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw unitError(what, value, where, fix);
  }
  return value;
}

const FORMAT_UNITS: [string, number][] = [
  ['d', 86_400_000_000],
  ['h', 3_600_000_000],
  ['m', 60_000_000],
  ['s', 1_000_000],
  ['ms', 1_000],
  ['us', 1],
];

/** 5_400_000_000 → `1h30m`; the inverse of parseDurationUs for whole units. */
export function formatDurationUs(durationUs: number): string {
  if (durationUs === 0) return '0s';
  let rest = Math.round(durationUs);
  let out = '';
  for (const [unit, us] of FORMAT_UNITS) {
    const n = Math.floor(rest / us);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * us;
    }
  }
  return out;
}

/** 0.015 → `1.5%`. */
export function formatRatio(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(10))}%`;
}
