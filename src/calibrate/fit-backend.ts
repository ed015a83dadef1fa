// From every probe's outcome to the fits (dotted `backend:` paths) and the `backend:` section in
// scenario syntax. A probe that did not run leaves its section out (the scenario's defaults
// apply), and so does a queue bound or session cap that was never reached (a lower bound there
// would make the model refuse where the target did not). With N broker URLs probed together the connect and ingest figures are divided by N
// and `brokers: N` written: the model's figures are each broker's.
import { exactCount, fitBurst, fitLatency, fitQueue, fitRate, kneeStep, type FitContext } from './fit.js';
import type { SessionsOutcome } from './sessions-probe.js';
import { bootstrap, mean, sig3 } from './stats.js';
import type { BackendFields, BackendSection, Fit, ProbeKind, ProbeOutcome } from './types.js';

export interface Fitted {
  fits: Record<string, Fit>;
  backend: BackendSection;
  /** The service time written per service (`connect`, `ingest`, `checkin`), µs. */
  latencies: Record<string, { p50Us: number; p99Us: number }>;
}

/** `1.25ms` from µs (the scenario's duration syntax). */
export function msText(us: number): string {
  return `${Number((us / 1000).toFixed(3))}ms`;
}

/** A fit divided over `n` brokers (counts and rates; latencies stay). */
function perBroker(f: Fit, n: number): Fit {
  if (n === 1) return f;
  const d = (v: number | null): number | null => (v === null ? null : sig3(v / n));
  return {
    ...f,
    value: sig3(f.value / n),
    low: sig3(f.low / n),
    high: d(f.high),
    method: `${f.method}; divided over ${n} brokers`,
  };
}

function service(
  p: ProbeOutcome,
  prefix: 'connect' | 'ingest' | 'checkin',
  c: FitContext,
  out: Fitted,
  brokers: number,
): BackendFields {
  const n = prefix === 'checkin' ? 1 : brokers;
  const rate = perBroker(fitRate(p, c), n);
  const queue = perBroker(fitQueue(p), n);
  const latency = fitLatency(p, c);
  out.fits[`${prefix}.rate`] = rate;
  out.fits[`${prefix}.queue`] = queue;
  const fields: BackendFields = { rate: `${Math.max(1, Math.round(rate.value))}/s` };
  if (prefix === 'connect') {
    const burst = fitBurst(p, fitRate(p, c), c);
    if (burst !== null) {
      const b = perBroker(burst, n);
      out.fits['connect.burst'] = b;
      fields.burst = Math.max(1, Math.round(b.value));
    }
  }
  // A queue bound not reached is left out: written, the model would refuse where the target did not.
  if (queue.bound !== 'lower') fields.queue = Math.max(1, Math.round(queue.value));
  if (latency !== null) {
    out.fits[`${prefix}.latency.p50`] = latency.p50;
    out.fits[`${prefix}.latency.p99`] = latency.p99;
    out.latencies[prefix] = { p50Us: latency.p50Us, p99Us: latency.p99Us };
    fields.latency = { p50: msText(latency.p50Us), p99: msText(latency.p99Us) };
  }
  return fields;
}

function maxSessions(p: SessionsOutcome): Fit {
  const held = Math.max(0, ...p.steps.map((s) => s.record.achieved));
  const n = p.steps.length;
  if (p.heldAtFirstRefusal === null)
    return {
      value: held,
      low: held,
      high: null,
      unit: '',
      steps: n,
      bound: 'lower',
      method: `no refusal up to ${held} sessions (stopped by ${p.stoppedBy})`,
    };
  return exactCount(p.heldAtFirstRefusal, n, 'sessions held when the first was refused (a count)');
}

function ota(p: ProbeOutcome, c: FitContext, fits: Record<string, Fit>): BackendFields {
  const knee = kneeStep(p);
  const best = Math.max(0, ...p.steps.map((s) => s.record.achieved));
  const n = p.steps.length;
  let bw: Fit;
  if (knee?.record.knee === 'throughput') {
    // value: bytes/s of the plateau step; interval: the percentile bootstrap (over its
    // downloads) of their mean bytes/s, as a ratio to the mean, applied to the value
    const { bytes = [], latencyUs } = knee.samples;
    const rates = bytes.map((b, i) => b / Math.max(1, latencyUs[i] ?? 1));
    const ci = bootstrap(rates, mean, c.resamples, c.seed + 3);
    const v = knee.record.achieved;
    const scale = (x: number): number => sig3(ci.value > 0 ? (v * x) / ci.value : v);
    bw = {
      value: sig3(v),
      low: scale(ci.low),
      high: scale(ci.high),
      unit: 'B/s',
      steps: n,
      method: `bytes/s at the plateau; interval from a bootstrap (${c.resamples} draws) of its downloads' mean bytes/s`,
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
  const fields: BackendFields = { bandwidth: Math.max(1, Math.round(bw.value)) };
  // download slots never refused are left out, as a queue bound: the model would hold downloads back
  if (slotsFit.bound !== 'lower') fields['max-concurrent-downloads'] = slotsFit.value;
  return fields;
}

export function fitBackend(probes: readonly ProbeOutcome[], c: FitContext, brokers = 1): Fitted {
  const by = (k: ProbeKind): ProbeOutcome | undefined =>
    probes.find((p) => p.probe === k && p.steps.length > 0 && p.skipped === undefined);
  const out: Fitted = { fits: {}, backend: { connect: {}, ingest: {} }, latencies: {} };
  if (brokers > 1) out.backend.brokers = brokers;
  const connect = by('connect');
  if (connect) out.backend.connect = service(connect, 'connect', c, out, brokers);
  const sessions = by('sessions') as SessionsOutcome | undefined;
  if (sessions) {
    const f = perBroker(maxSessions(sessions), brokers);
    out.fits['connect.max-sessions'] = f;
    if (f.bound !== 'lower') out.backend.connect['max-sessions'] = Math.max(1, Math.round(f.value));
  }
  const publish = by('publish');
  if (publish) out.backend.ingest = service(publish, 'ingest', c, out, brokers);
  const checkin = by('checkin');
  if (checkin) out.backend.checkin = service(checkin, 'checkin', c, out, 1);
  const download = by('download');
  if (download) out.backend.ota = ota(download, c, out.fits);
  return out;
}
