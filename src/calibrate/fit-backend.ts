// From every probe's outcome to the fits (dotted `backend:` paths) and the `backend:` section in
// scenario syntax. A probe that did not run leaves its section out (the scenario's defaults apply).
import { fitBurst, fitLatency, fitQueue, fitRate, kneeStep, type FitContext } from './fit.js';
import type { SessionsOutcome } from './sessions-probe.js';
import { bootstrap, sig3 } from './stats.js';
import type { BackendSection, Fit, ProbeKind, ProbeOutcome } from './types.js';

export interface Fitted {
  fits: Record<string, Fit>;
  backend: BackendSection;
}

/** `0.8ms..3.1ms` from µs. */
export function latencyRange(minUs: number, maxUs: number): string {
  const ms = (us: number): string => `${Number((us / 1000).toFixed(3))}ms`;
  return `${ms(minUs)}..${ms(Math.max(minUs, maxUs))}`;
}

function service(
  p: ProbeOutcome,
  prefix: 'connect' | 'ingest' | 'checkin',
  c: FitContext,
  fits: Record<string, Fit>,
): Record<string, string | number> {
  const rate = fitRate(p, c);
  const queue = fitQueue(p);
  const latency = fitLatency(p, c);
  fits[`${prefix}.rate`] = rate;
  fits[`${prefix}.queue`] = queue;
  const out: Record<string, string | number> = { rate: `${Math.max(1, Math.round(rate.value))}/s` };
  if (prefix === 'connect') {
    const burst = fitBurst(p, rate, c);
    if (burst !== null) {
      fits['connect.burst'] = burst;
      out.burst = burst.value;
    }
  }
  out.queue = Math.max(1, Math.round(queue.value));
  if (latency !== null) {
    fits[`${prefix}.latency`] = latency.fit;
    out.latency = latencyRange(latency.minUs, latency.maxUs);
  }
  return out;
}

function maxSessions(p: SessionsOutcome): Fit {
  const held = Math.max(0, ...p.steps.map((s) => s.record.achieved));
  if (p.heldAtFirstRefusal === null)
    return {
      value: held,
      low: held,
      high: null,
      unit: '',
      steps: p.steps.length,
      bound: 'lower',
      method: `no refusal up to ${held} sessions (stopped by ${p.stoppedBy})`,
    };
  const v = p.heldAtFirstRefusal;
  return {
    value: v,
    low: v,
    high: v,
    unit: '',
    steps: p.steps.length,
    method: 'sessions held when the first was refused (a count)',
  };
}

function ota(p: ProbeOutcome, c: FitContext, fits: Record<string, Fit>): Record<string, string | number> {
  const knee = kneeStep(p);
  const best = Math.max(0, ...p.steps.map((s) => s.record.achieved));
  const n = p.steps.length;
  let bw: Fit;
  if (knee?.record.knee === 'throughput') {
    const bytes = knee.samples.bytes ?? [];
    const spanSec = Math.max(1e-6, knee.record.durationMs / 1000);
    const ci = bootstrap(bytes, (xs) => xs.reduce((a, b) => a + b, 0) / spanSec, c.resamples, c.seed + 2);
    bw = {
      value: sig3(ci.value),
      low: sig3(ci.low),
      high: sig3(ci.high),
      unit: 'B/s',
      steps: n,
      method: `bytes/s at the plateau, bootstrap (${c.resamples} draws) over its downloads`,
    };
  } else
    bw = {
      value: sig3(best),
      low: sig3(best),
      high: null,
      unit: 'B/s',
      steps: n,
      bound: 'lower',
      method: 'no plateau: the most bytes/s served',
    };
  fits['ota.bandwidth'] = bw;
  const clean = p.steps.filter((s) => s.record.refused + s.record.errors === 0).map((s) => s.record.offered);
  const slots = Math.max(1, ...clean);
  const slotsFit: Fit =
    knee?.record.knee === 'refusals'
      ? {
          value: slots,
          low: slots,
          high: Math.max(slots, knee.record.offered - 1),
          unit: '',
          steps: n,
          method: 'between the last step without refusals and the first with',
        }
      : {
          value: slots,
          low: slots,
          high: null,
          unit: '',
          steps: n,
          bound: 'lower',
          method: 'no refusal: the most downloads at once',
        };
  fits['ota.max-concurrent-downloads'] = slotsFit;
  return { bandwidth: Math.max(1, Math.round(bw.value)), 'max-concurrent-downloads': slotsFit.value };
}

export function fitBackend(probes: readonly ProbeOutcome[], c: FitContext): Fitted {
  const by = (k: ProbeKind): ProbeOutcome | undefined =>
    probes.find((p) => p.probe === k && p.steps.length > 0 && p.skipped === undefined);
  const fits: Record<string, Fit> = {};
  const connectProbe = by('connect');
  const connect = connectProbe ? service(connectProbe, 'connect', c, fits) : {};
  const sessions = by('sessions') as SessionsOutcome | undefined;
  if (sessions) {
    const f = maxSessions(sessions);
    fits['connect.max-sessions'] = f;
    connect['max-sessions'] = Math.max(1, f.value);
  }
  const publish = by('publish');
  const backend: BackendSection = { connect, ingest: publish ? service(publish, 'ingest', c, fits) : {} };
  const checkin = by('checkin');
  if (checkin) backend.checkin = service(checkin, 'checkin', c, fits);
  const download = by('download');
  if (download) backend.ota = ota(download, c, fits);
  return { fits, backend };
}
