// Human units for the HTML report: virtual time (`0h`, `6h`, `1h30m`), latencies (`850µs`,
// `12ms`, `1.5s`), counts (`1.2k`, `3.4M`) and ratios. Pure functions, no locale dependence, so
// the same report renders byte-identically everywhere.
import { formatBytes } from '../../metrics/units.js';

const US_PER_MS = 1_000;
const US_PER_S = 1_000_000;
const US_PER_M = 60 * US_PER_S;
const US_PER_H = 60 * US_PER_M;
const US_PER_D = 24 * US_PER_H;

const TIME_PARTS: readonly [string, number][] = [
  ['d', US_PER_D],
  ['h', US_PER_H],
  ['m', US_PER_M],
  ['s', US_PER_S],
];

/** Trims a fixed-point number: 1.50 → "1.5", 2.00 → "2". */
function trimFixed(value: number, digits: number): string {
  const s = value.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Significant-digit formatting for magnitudes shown next to a unit. */
function short(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return trimFixed(value, 0);
  if (abs >= 10) return trimFixed(value, 1);
  return trimFixed(value, 2);
}

/**
 * A point in virtual time or a duration, as the two largest non-zero parts: `0`, `45s`, `12m`,
 * `1h30m`, `1d6h`. Sub-second values use `ms`.
 */
export function formatVirtualTime(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us === 0) return '0';
  const sign = us < 0 ? '-' : '';
  let rest = Math.round(Math.abs(us));
  if (rest < US_PER_S) return `${sign}${short(rest / US_PER_MS)}ms`;
  const parts: string[] = [];
  // Hours up to three days read better on a run's axis (`36h`, not `1d12h`).
  const units = rest < 3 * US_PER_D ? TIME_PARTS.slice(1) : TIME_PARTS;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
    else if (parts.length > 0) break;
    if (parts.length === 2) break;
  }
  if (parts.length === 0) return `${sign}${short(rest / US_PER_MS)}ms`;
  return sign + parts.join('');
}

/**
 * A latency or duration: ~3 significant digits below a minute (`850µs`, `12.5ms`, `1.5s`),
 * then the two largest parts (`4m20s`, `10h20m`).
 */
export function formatDurationUs(us: number | null): string {
  if (us === null || !Number.isFinite(us)) return '–';
  const abs = Math.abs(us);
  if (abs === 0) return '0';
  if (abs < US_PER_MS) return `${short(us)}µs`;
  if (abs < US_PER_S) return `${short(us / US_PER_MS)}ms`;
  if (abs < US_PER_M) return `${short(us / US_PER_S)}s`;
  return formatVirtualTime(us);
}

/** A count with an SI suffix: `950`, `1.2k`, `3.4M`. */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs < 1_000) return Number.isInteger(n) ? String(n) : short(n);
  if (abs < 1_000_000) return `${short(n / 1_000)}k`;
  if (abs < 1_000_000_000) return `${short(n / 1_000_000)}M`;
  return `${short(n / 1_000_000_000)}G`;
}

/** A count in full with thin grouping (tables): `1 234 567`. */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const s = String(Math.round(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return (n < 0 ? '-' : '') + grouped;
}

/** A ratio 0..1 as a percentage: `0.5%`, `12%`, `100%`. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  if (pct !== 0 && Math.abs(pct) < 0.01) return `${pct < 0 ? '-' : ''}<0.01%`;
  // Never round a near-miss up to 100% (or a near-zero down to 0%).
  for (let digits = Math.abs(pct) >= 100 ? 0 : Math.abs(pct) >= 10 ? 1 : 2; digits <= 4; digits += 1) {
    const s = trimFixed(pct, digits);
    if ((s !== '100' || ratio === 1) && (s !== '0' || ratio === 0)) return `${s}%`;
  }
  return `${trimFixed(pct, 4)}%`;
}

/** A byte count with binary units: `512B`, `4MiB` (the same as the text summary's). */
export { formatBytes };

export function formatMetricValue(name: string, value: number | null): string {
  if (value === null) return '–';
  const base = name.replace(/\{.*\}$/, '');
  if (base.endsWith('_us')) return formatDurationUs(value);
  if (base.endsWith('_ratio')) return formatRatio(value);
  if (base.endsWith('_bytes') || base.endsWith('_bytes_total')) return formatBytes(value);
  return formatInteger(value);
}
