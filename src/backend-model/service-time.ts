// Service times of the modelled backend: uniform over a range, or lognormal from a measured
// median and 99th percentile. Either way one draw from the device's stream, so a device's random
// sequence does not depend on which form the scenario uses.
import type { QueueShare } from './share.js';
import { nextFloat, nextRange } from '../random/rng.js';

// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9);
// plain constants, not arrays: this runs once per modelled request.
const a0 = -39.69683028665376;
const a1 = 220.9460984245205;
const a2 = -275.9285104469687;
const a3 = 138.357751867269;
const a4 = -30.66479806614716;
const a5 = 2.506628277459239;
const b0 = -54.47609879822406;
const b1 = 161.5858368580409;
const b2 = -155.6989798598866;
const b3 = 66.80131188771972;
const b4 = -13.28068155288572;
const c0 = -0.007784894002430293;
const c1 = -0.3223964580411365;
const c2 = -2.400758277161838;
const c3 = -2.549732539343734;
const c4 = 4.374664141464968;
const c5 = 2.938163982698783;
const d0 = 0.007784695709041462;
const d1 = 0.3224671290700398;
const d2 = 2.445134137142996;
const d3 = 3.754408661907416;
const P_LOW = 0.02425;

/** The standard normal's quantile at p in (0, 1). */
export function normalQuantile(p: number): number {
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const x =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
    return p < P_LOW ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** Keeps the quantile finite: nextFloat can return exactly 0. */
const P_MIN = 1e-12;

/** One service time (µs) for device d from queue q, drawn from d's stream. */
export function drawServiceUs(rng: Uint32Array, d: number, q: QueueShare): number {
  if (q.logSigma === 0) return nextRange(rng, d, q.latMinUs, q.latMaxUs);
  const p = Math.min(1 - P_MIN, Math.max(P_MIN, nextFloat(rng, d)));
  return Math.exp(q.logMu + q.logSigma * normalQuantile(p));
}
