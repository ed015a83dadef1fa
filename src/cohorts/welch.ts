// Welch's t for two cohorts' means, from mergeable sums. Each cohort's mean is a ratio estimator
// Σy / Σw over its per-device values x = y / w (a device's drain over its days, its failed
// publishes over its publishes), weighted by w; the variance of that mean is the linearised one,
//   V = Σ w² (x − m)² / (Σw)² · n / (n − 1) = (Σy² − 2m Σwy + m² Σw²) / (Σw)² · n / (n − 1),
// which with equal weights is the textbook s² / n. Sums (n, Σw, Σy, Σw², Σwy, Σy²) add across
// shards and processes, so the merged report computes the same interval as a single run.

/** Offsets of one cohort's sums for one statistic. */
export const SUM = { n: 0, w: 1, y: 2, ww: 3, wy: 4, yy: 5 } as const;
export const SUMS = 6;

export interface CohortMean {
  n: number;
  mean: number;
  /** Variance of the mean (not of the values); null with fewer than two devices. */
  varMean: number | null;
}

export function meanOf(sums: ArrayLike<number>, at = 0): CohortMean | null {
  const n = sums[at + SUM.n] as number;
  const w = sums[at + SUM.w] as number;
  if (!(n > 0) || !(w > 0)) return null;
  const m = (sums[at + SUM.y] as number) / w;
  if (n < 2) return { n, mean: m, varMean: null };
  const ss =
    (sums[at + SUM.yy] as number) -
    2 * m * (sums[at + SUM.wy] as number) +
    m * m * (sums[at + SUM.ww] as number);
  return { n, mean: m, varMean: (Math.max(0, ss) / (w * w)) * (n / (n - 1)) };
}

/** Adds one per-device value y over weight w to a cohort's sums. */
export function addValue(sums: Float64Array, at: number, y: number, w: number): void {
  sums[at + SUM.n] = (sums[at + SUM.n] as number) + 1;
  sums[at + SUM.w] = (sums[at + SUM.w] as number) + w;
  sums[at + SUM.y] = (sums[at + SUM.y] as number) + y;
  sums[at + SUM.ww] = (sums[at + SUM.ww] as number) + w * w;
  sums[at + SUM.wy] = (sums[at + SUM.wy] as number) + w * y;
  sums[at + SUM.yy] = (sums[at + SUM.yy] as number) + y * y;
}

export interface Difference {
  /** mean(a) − mean(b), in the statistic's unit. */
  absolute: number;
  absoluteHalfWidth: number;
  /** mean(a) / mean(b) − 1; null when b's mean is 0. */
  relative: number | null;
  relativeHalfWidth: number | null;
  /** Welch–Satterthwaite degrees of freedom of the relative (else absolute) interval. */
  df: number;
}

/**
 * The difference of a over b with its 95 % interval: Welch's t on the absolute difference, and
 * on the relative one with the delta-method variance of the ratio of means,
 *   Var(ma / mb) ≈ Va / mb² + ma² Vb / mb⁴
 * (the baseline's own uncertainty is in the interval, not just a's). Null when either cohort
 * has fewer than two devices: no interval, no comparison.
 */
export function welch(a: CohortMean, b: CohortMean, level = 0.95): Difference | null {
  if (a.varMean === null || b.varMean === null) return null;
  const q = 1 - (1 - level) / 2;
  const absolute = a.mean - b.mean;
  const absDf = satterthwaite(a.varMean, a.n, b.varMean, b.n);
  const absoluteHalfWidth = tQuantile(q, absDf) * Math.sqrt(a.varMean + b.varMean);
  if (b.mean === 0)
    return { absolute, absoluteHalfWidth, relative: null, relativeHalfWidth: null, df: absDf };
  const va = a.varMean / (b.mean * b.mean);
  const vb = (a.mean * a.mean * b.varMean) / b.mean ** 4;
  const df = satterthwaite(va, a.n, vb, b.n);
  return {
    absolute,
    absoluteHalfWidth,
    relative: a.mean / b.mean - 1,
    relativeHalfWidth: tQuantile(q, df) * Math.sqrt(va + vb),
    df,
  };
}

function satterthwaite(va: number, na: number, vb: number, nb: number): number {
  const den = (va * va) / (na - 1) + (vb * vb) / (nb - 1);
  if (!(den > 0)) return na + nb - 2; // both variances 0: the interval is 0 wide anyway
  return ((va + vb) * (va + vb)) / den;
}

/** Student's t quantile (p in (0.5, 1)) by bisection on the distribution function. */
export function tQuantile(p: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e7) df = 1e7;
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p && hi < 1e6) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(T ≤ t) for t ≥ 0: 1 − I_{df/(df+t²)}(df/2, 1/2) / 2. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  return 1 - 0.5 * incompleteBeta(x, df / 2, 0.5);
}

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = c[0] as number;
  for (let i = 1; i < 9; i++) x += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes' betacf). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}
