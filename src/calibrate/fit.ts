// The fit, pure: from a probe's steps to the modelled backend's values, each with a 95 %
// interval. How each interval is made (also written as `method` in calibration.json):
//   rate     – percentile bootstrap (injected random, `resamples` draws) of 1/mean gap between
//              consecutive answers in the knee step: when it was saturated (throughput or
//              refusal knee), over the answers that waited (latency past the knee limit: the
//              target was serving at its own pace); for a latency-only knee, or with fewer than
//              10 that waited, over all its answers;
//   latency  – p50 and p99 of the answers of the steps before the knee that offered at most half
//              what the knee step served (unloaded), the least loaded first (at most 4,000
//              answers), each bootstrapped;
//   queue    – the most requests waiting at once in the step where refusals began (a count);
//   burst    – answers that did not wait, less what the fitted rate served meanwhile (interval
//              from the rate's);
// and with no knee the value is the most that was served, written `bound: lower`, high null.
import { baselineP99Us, type KneeRule } from './knee.js';
import { bootstrap, gapsUs, quantile, rateOfGaps, sig3 } from './stats.js';
import type { Fit, MeasuredStep, ProbeOutcome } from './types.js';

/** Samples a bootstrap draws from at most (the latest, in order). */
const MAX_SAMPLES = 4000;
const MIN_WAITED = 10;

export interface FitContext {
  rule: KneeRule;
  resamples: number;
  seed: number;
}

export function kneeStep(p: ProbeOutcome): MeasuredStep | null {
  return p.stoppedBy === 'knee' ? (p.steps.find((s) => s.record.knee !== null) ?? null) : null;
}

function lower(value: number, unit: string, steps: number, method: string): Fit {
  return { value: sig3(value), low: sig3(value), high: null, unit, steps, bound: 'lower', method };
}

/** A count read off one step as it is (no interval: low = value = high). */
export function exactCount(value: number, steps: number, method: string): Fit {
  return { value, low: value, high: value, unit: '', steps, method };
}

/** The p99 past which an answer "waited" (the knee limit over the steps before the knee). */
function waitLimitUs(p: ProbeOutcome, knee: MeasuredStep, rule: KneeRule): number {
  const before = p.steps.filter((s) => s.record.index < knee.record.index).map((s) => s.record);
  const base = baselineP99Us(before) ?? quantile(knee.samples.latencyUs, 0.1) ?? 0;
  return Math.max(rule.factor * base, base + rule.floorUs);
}

export function fitRate(p: ProbeOutcome, c: FitContext): Fit {
  const knee = kneeStep(p);
  const n = p.steps.length;
  if (knee === null)
    return lower(
      Math.max(0, ...p.steps.map((s) => s.record.achieved)),
      '/s',
      n,
      p.stoppedBy === 'generator'
        ? "no knee of the target's (this machine's load generator fell behind first): the highest rate served"
        : 'no knee: the highest rate served',
    );
  const limitUs = waitLimitUs(p, knee, c.rule);
  const { latencyUs, doneUs } = knee.samples;
  // Saturated (served fewer than offered, or refused): the answers that waited came at the
  // target's own pace. A latency-only knee served what was offered: its rate is the knee's.
  const saturated = knee.record.knee !== 'latency';
  const waited = saturated ? doneUs.filter((_, i) => (latencyUs[i] as number) > limitUs) : [];
  const done = waited.length >= MIN_WAITED ? waited : doneUs;
  const gaps = gapsUs(done).slice(-MAX_SAMPLES);
  const ci = bootstrap(gaps, rateOfGaps, c.resamples, c.seed);
  const over = waited.length >= MIN_WAITED ? 'answers that waited' : 'all answers';
  return {
    value: sig3(ci.value),
    low: sig3(ci.low),
    high: sig3(ci.high),
    unit: '/s',
    steps: n,
    method: `bootstrap (${c.resamples} draws) of the gaps between ${over} in the knee step`,
  };
}

/** Connects that went through without waiting, less what the rate served meanwhile. */
export function fitBurst(p: ProbeOutcome, rate: Fit, c: FitContext): Fit | null {
  const knee = kneeStep(p);
  // only a saturated knee step shows the bucket running dry
  if (knee === null || rate.bound === 'lower' || knee.record.knee === 'latency') return null;
  const limitUs = waitLimitUs(p, knee, c.rule);
  const { latencyUs, doneUs, startUs } = knee.samples;
  let firstWaitedIntendedUs = Infinity;
  latencyUs.forEach((l, i) => {
    if (l > limitUs) firstWaitedIntendedUs = Math.min(firstWaitedIntendedUs, (doneUs[i] as number) - l);
  });
  if (!Number.isFinite(firstWaitedIntendedUs)) return null;
  const fast = latencyUs.filter(
    (l, i) => l <= limitUs && (doneUs[i] as number) - l < firstWaitedIntendedUs,
  ).length;
  const sec = Math.max(0, firstWaitedIntendedUs - startUs) / 1e6;
  const at = (r: number): number => Math.max(1, Math.round(fast - r * sec));
  return {
    value: at(rate.value),
    low: at(rate.high ?? rate.value),
    high: at(rate.low),
    unit: '',
    steps: p.steps.length,
    method: 'answers before the first that waited, less the fitted rate × that time (interval from the rate)',
  };
}

export function fitQueue(p: ProbeOutcome): Fit {
  const refusedAt = p.steps.find((s) => s.record.refused > 0);
  const n = p.steps.length;
  if (refusedAt === undefined)
    return lower(
      Math.max(0, ...p.steps.map((s) => s.record.inFlightMax)),
      '',
      n,
      'no refusal: the most requests waiting at once',
    );
  return exactCount(
    refusedAt.record.inFlightMax,
    n,
    'most requests waiting at once when refusals began (a count)',
  );
}

/**
 * The service time before the knee as the model takes it (`{ p50, p99 }`, a lognormal): the
 * p50 and p99 of the answers of the steps before the knee, each with its bootstrap interval.
 */
export function fitLatency(
  p: ProbeOutcome,
  c: FitContext,
): { p50: Fit; p99: Fit; p50Us: number; p99Us: number } | null {
  const knee = kneeStep(p);
  // Service time is what an unloaded target takes: the steps before the knee that offered at
  // most half what the knee step served (a queue is already forming closer to it).
  const calm = p.steps.filter(
    (s) =>
      knee === null || (s.record.index < knee.record.index && s.record.offered <= knee.record.achieved / 2),
  );
  const offered = calm.length > 0 ? calm : p.steps.slice(0, 1);
  // The least loaded steps first: the model adds the wait of its own queue to this service time,
  // so latency measured nearer the knee would count the queue twice (a publish ramp's calm steps
  // went from 500/s at p99 6.5 ms to 32,000/s at 16 ms, and its last 4,000 answers said 47 ms).
  const sample: number[] = [];
  const used: MeasuredStep[] = [];
  for (const s of [...offered].sort((a, b) => a.record.offered - b.record.offered)) {
    if (sample.length >= MAX_SAMPLES) break;
    used.push(s);
    for (const l of s.samples.serviceUs.slice(0, MAX_SAMPLES - sample.length)) sample.push(l);
  }
  if (sample.length === 0) return null;
  const ms = (us: number): number => sig3(us / 1000);
  const fitAt = (q: number, seed: number): { fit: Fit; us: number } => {
    const ci = bootstrap(sample, (xs) => quantile(xs, q) ?? 0, c.resamples, seed);
    const fit: Fit = {
      value: ms(ci.value),
      low: ms(ci.low),
      high: ms(ci.high),
      unit: 'ms',
      steps: used.length,
      method: `p${Math.round(q * 100)} of the answers of the unloaded steps (each less how late it was sent), bootstrap (${c.resamples} draws)`,
    };
    return { fit, us: ci.value };
  };
  const p50 = fitAt(0.5, c.seed + 1);
  const p99 = fitAt(0.99, c.seed + 2);
  return { p50: p50.fit, p99: p99.fit, p50Us: p50.us, p99Us: Math.max(p50.us, p99.us) };
}
