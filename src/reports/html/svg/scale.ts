// Scales and tick selection for the SVG charts: a virtual-time x axis with human steps
// (1m, 15m, 1h, 6h, 1d...) and a linear or log10 y axis with "nice" steps (1, 2, 5 × 10^k).

export interface Scale {
  /** Data value → pixel coordinate. */
  map(value: number): number;
  ticks: number[];
  domain: [number, number];
}

const S = 1_000_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** Steps a clock reads naturally, from 5 s to 2 days: shared by the time and duration axes. */
const CLOCK_STEPS_US = [
  ...[5, 10, 15, 30].map((n) => n * S),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * M),
  ...[1, 2, 3, 6, 12].map((n) => n * H),
  D,
  2 * D,
];

/** Candidate x-axis steps, smallest first: the first giving at most `maxTicks` ticks wins. */
const TIME_STEPS_US = [1_000, 10_000, 100_000, S, ...CLOCK_STEPS_US, 7 * D, 14 * D, 28 * D];

export function timeTicks(startUs: number, endUs: number, maxTicks = 9): number[] {
  const span = Math.max(1, endUs - startUs);
  const step = TIME_STEPS_US.find((s) => span / s <= maxTicks) ?? span / maxTicks;
  const ticks: number[] = [];
  for (let t = Math.ceil(startUs / step) * step; t <= endUs + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** Step of 1, 2 or 5 × 10^k closest to `raw` from above. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * base;
}

/** Extends [min, max] to nice bounds and returns the ticks in between. */
export function niceLinear(
  min: number,
  max: number,
  count = 5,
): { domain: [number, number]; ticks: number[] } {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (lo === hi) {
    hi = lo === 0 ? 1 : lo + Math.abs(lo);
    lo = Math.min(0, lo);
  }
  const step = niceStep((hi - lo) / count);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step * 1e-9; i += 1) ticks.push(roundTo(start + i * step, step));
  return { domain: [start, end], ticks };
}

function roundTo(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(digits, 12)));
}

/** Powers of ten covering [min, max] (min > 0). */
export function niceLog(min: number, max: number): { domain: [number, number]; ticks: number[] } {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-9)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, min))));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += 1) ticks.push(10 ** e);
  return { domain: [10 ** lo, 10 ** hi], ticks };
}

export function linearScale(domain: [number, number], range: [number, number], ticks: number[]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return { map: (v) => r0 + (v - d0) * k, ticks, domain };
}

export function logScale(domain: [number, number], range: [number, number], ticks: number[]): Scale {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  const [r0, r1] = range;
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  const map = (v: number): number => r0 + (Math.log10(Math.max(v, domain[0])) - l0) * k;
  return { map, ticks, domain };
}

/** Rounds a pixel coordinate to 0.1 px: keeps the SVG small and stable. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

const MS = 1_000;
const SUB_MS_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500];
/** y-axis steps for durations in µs, so ticks read `0, 5m, 10m, 15m`, not `0, 16.7m, 33.3m`. */
const DURATION_STEPS_US = [...SUB_MS_STEPS, ...SUB_MS_STEPS.map((n) => n * MS), S, 2 * S, ...CLOCK_STEPS_US];
/** Decades a person knows by name: 1µs … 1ms … 1s, 10s, 1m, 10m, 1h, 10h. */
const DURATION_DECADES_US = [1, 10, 100, MS, 10 * MS, 100 * MS, S, 10 * S, M, 10 * M, H, 10 * H, 100 * H];

export function niceDurationLinear(max: number, count = 5): { domain: [number, number]; ticks: number[] } {
  const top = Math.max(max, 1);
  const step = DURATION_STEPS_US.find((s) => top / s <= count) ?? niceStep(top / count);
  const end = Math.ceil(top / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= end; t += step) ticks.push(t);
  return { domain: [0, end], ticks };
}

export function niceDurationLog(min: number, max: number): { domain: [number, number]; ticks: number[] } {
  const lo = [...DURATION_DECADES_US].reverse().find((d) => d <= min) ?? 1;
  const hi = DURATION_DECADES_US.find((d) => d >= max && d > lo) ?? Math.max(max, lo * 10);
  const ticks = DURATION_DECADES_US.filter((d) => d >= lo && d <= hi);
  return { domain: [lo, hi], ticks };
}
