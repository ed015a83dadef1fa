// Units for threshold limits and for human-readable metric values. Threshold right-hand sides
// are written like scenario values (`2s`, `500ms`, `1%`, `4MiB`); values are compared in the
// metric's own unit (µs, ratio 0..1, bytes, count). Formatting is locale-independent and ASCII
// so summaries are byte-identical on every machine.

/** What a number means: decides which limit units are allowed and how a value is printed. */
export type ValueKind = 'duration' | 'ratio' | 'bytes' | 'count';

export interface ParsedLimit {
  value: number;
  /** Kind implied by the unit, or null for a plain number (taken in the metric's own unit). */
  kind: ValueKind | null;
}

const DURATION_US: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  sec: 1_000_000,
  m: 60_000_000,
  min: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
};

const BYTES: Record<string, number> = {
  B: 1,
  KB: 1_000,
  MB: 1_000_000,
  GB: 1_000_000_000,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

const LIMIT_RE = /^(-?(?:\d[\d_]*)?(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-zA-Zµ%]*)$/;

/** Parses `2s`, `500ms`, `1%`, `4MiB`, `0.5`, `1e6`; returns null when it cannot. */
export function parseLimit(text: string): ParsedLimit | null {
  const m = LIMIT_RE.exec(text.trim());
  if (!m || !m[1] || !/\d/.test(m[1])) return null;
  const num = Number(m[1].replaceAll('_', ''));
  if (!Number.isFinite(num)) return null;
  const unit = m[2] ?? '';
  if (unit === '') return { value: num, kind: null };
  if (unit === '%') return { value: num / 100, kind: 'ratio' };
  const us = DURATION_US[unit];
  if (us !== undefined) return { value: num * us, kind: 'duration' };
  const bytes = BYTES[unit];
  if (bytes !== undefined) return { value: num * bytes, kind: 'bytes' };
  return null;
}

export const LIMIT_UNITS_HELP =
  'durations us ms s m h d, ratios %, sizes B KB MB GB KiB MiB GiB, or a plain number';

/** Keeps 3 significant digits without exponent notation: 2.3149 → "2.31", 12 → "12". */
function sig3(x: number): string {
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return String(Number(x.toFixed(Math.min(digits, 6))));
}

const DURATION_STEPS: { limit: number; div: number; unit: string }[] = [
  { limit: 999.5, div: 1, unit: 'us' },
  { limit: 999_500, div: 1_000, unit: 'ms' },
  { limit: 59_950_000, div: 1_000_000, unit: 's' },
  { limit: 3_597_000_000, div: 60_000_000, unit: 'm' },
  { limit: Infinity, div: 3_600_000_000, unit: 'h' },
];

/** 850 → "850us", 12_345 → "12.3ms", 2_314_000 → "2.31s", 750_000_000 → "12.5m". */
export function formatDurationUs(us: number): string {
  const abs = Math.abs(us);
  const step = DURATION_STEPS.find((s) => abs < s.limit) ?? DURATION_STEPS[DURATION_STEPS.length - 1];
  if (!step) return `${us}us`;
  const v = step.div === 1 ? String(Math.round(us)) : sig3(us / step.div);
  return `${v}${step.unit}`;
}

/** 0.01234 → "1.23%". */
export function formatRatio(ratio: number): string {
  return `${sig3(ratio * 100)}%`;
}

/** 4_194_304 → "4MiB", 1536 → "1.5KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1023.5 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? String(Math.round(v)) : sig3(v)}${units[i]}`;
}

/** 1234567 → "1,234,567"; fractions keep up to 3 decimals. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const [int = '0', frac] = String(Math.round(Math.abs(n) * 1000) / 1000).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

export function formatValue(value: number, kind: ValueKind): string {
  switch (kind) {
    case 'duration':
      return formatDurationUs(value);
    case 'ratio':
      return formatRatio(value);
    case 'bytes':
      return formatBytes(value);
    case 'count':
      return formatCount(value);
  }
}
