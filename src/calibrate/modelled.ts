// What the fitted model says a step should have measured, pure: requests arrive at the offered
// rate for the step's length into a queue served at the fitted rate after a burst allowance; a
// request arriving at t waits max(0, (offered − rate)·t − burst) / rate (at most queue / rate),
// plus the service time. p50 and p99 are the waits of the arrivals at 50 % and 99 % of the step
// plus the fitted service time's p50 and p99. Sessions and downloads have no latency model.
import type { Fit, StepRecord } from './types.js';

export interface ServiceModel {
  ratePerSec: number;
  burst: number;
  queue: number;
  latencyP50Us: number;
  latencyP99Us: number;
}

export function modelledStep(
  m: ServiceModel,
  offeredPerSec: number,
  stepSec: number,
): { p50Us: number; p99Us: number } {
  const waitAt = (t: number): number => {
    if (offeredPerSec <= m.ratePerSec) return 0;
    const backlog = Math.min(m.queue, Math.max(0, (offeredPerSec - m.ratePerSec) * t - m.burst));
    return (backlog / m.ratePerSec) * 1e6;
  };
  return { p50Us: m.latencyP50Us + waitAt(0.5 * stepSec), p99Us: m.latencyP99Us + waitAt(0.99 * stepSec) };
}

/**
 * The service model of `prefix` from the fits and the service time written; null without a
 * rate. `brokers`: the fits are per broker, the probe offered to all of them.
 */
export function serviceModelOf(
  fits: Readonly<Record<string, Fit>>,
  prefix: string,
  latency: { p50Us: number; p99Us: number } | null,
  brokers = 1,
): ServiceModel | null {
  const rate = fits[`${prefix}.rate`];
  if (rate === undefined || latency === null) return null;
  return {
    ratePerSec: rate.value * brokers,
    burst: (fits[`${prefix}.burst`]?.value ?? 1) * brokers,
    queue: (fits[`${prefix}.queue`]?.value ?? Infinity) * brokers,
    latencyP50Us: latency.p50Us,
    latencyP99Us: latency.p99Us,
  };
}

/** Sets `modelled` on every step of a probe the model covers. */
export function annotateModelled(steps: StepRecord[], m: ServiceModel | null, stepSec: number): void {
  if (m === null) return;
  for (const s of steps) s.modelled = modelledStep(m, s.offered, stepSec);
}
