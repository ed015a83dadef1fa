// `calibrate()`: the whole probe against a live target, callable without the CLI (the
// benchmark calls it). Connect-rate steps (with several brokers: all at once, then each by
// itself, to tell shared capacity from independent brokers), a publish ramp on held
// connections, the session count, then with an HTTP target check-in and download steps; each
// probe stops at its first knee, its cap or a `target.limits` value. Then the fit, and what the
// fitted model says each step should have measured. Every socket it opened is closed when it
// returns or throws.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { FleetIdentity } from '../identity/fleet-identity.js';
import { OtaHttpClient } from '../transports/http/index.js';
import type { MqttProtocolVersion } from '../transports/mqtt/index.js';
import { connectProbe, kneeRuleOf } from './connect-probe.js';
import { fitBackend } from './fit-backend.js';
import { checkinProbe, downloadProbe, firmwareUrl } from './http-probe.js';
import { annotateModelled, serviceModelOf, type ServiceModel } from './modelled.js';
import { ProbePool, type ProbePoolOptions } from './probe-pool.js';
import { publishProbe } from './publish-probe.js';
import { sessionsProbe } from './sessions-probe.js';
import { aloneProbes, applyShared } from './shared-probe.js';
import { fmtRate, fmtUs, rateUnit } from './progress-line.js';
import { waitFor } from './step.js';
import { assertFirstStepServed } from './target-errors.js';
import type { CalibrateDeps, CalibrateOptions, CalibrationResult, ProbeOutcome, StoppedBy } from './types.js';

/** Who the probe's connections are and how they reach the target. */
export interface CalibrateTarget {
  identity: FleetIdentity;
  /** Where the credentials came from, for errors: `--target-mqtt` or `--scenario FILE`. */
  identityFrom: string;
  runTag: string;
  protocolVersion: MqttProtocolVersion;
  tls?: TlsConnectionOptions | undefined;
  /** `--resolve` / target.resolve: host name → address. */
  hostAddresses?: Readonly<Record<string, string>> | undefined;
}

export const DEFAULT_OPTIONS: Omit<CalibrateOptions, 'mqttUrls' | 'httpUrl' | 'limits'> = {
  maxConnections: 5000,
  stepMs: 3000,
  pauseMs: 500,
  answerTimeoutMs: 10_000,
  connectStartPerSec: 50,
  connectMaxPerSec: 20_000,
  publishConnections: 100,
  publishStartPerSec: 500,
  publishMaxPerSec: 200_000,
  checkinStartPerSec: 25,
  checkinMaxPerSec: 10_000,
  downloadMaxConcurrent: 32,
  downloadBytes: 1024 * 1024,
  kneeFactor: 3,
  kneeFloorUs: 10_000,
  resamples: 1000,
  seed: 1,
};

/** Connects/s for holding connections: half the highest step the target took calmly. */
function openRate(connect: ProbeOutcome): number {
  const calm = connect.steps.filter((s) => s.record.knee === null).map((s) => s.record.offered);
  const knee = connect.steps.find((s) => s.record.knee !== null)?.record.achieved ?? 0;
  return Math.max(5, Math.round((calm.length > 0 ? Math.max(...calm) : knee) / 2));
}

/** The joint connect model: the brokers' sum, held to the shared capacity when one was fitted. */
function withShared(m: ServiceModel | null, fits: CalibrationResult['fits']): ServiceModel | null {
  const rate = fits['shared.connect.rate'];
  if (m === null || rate === undefined) return m;
  const burst = fits['shared.connect.burst']?.value ?? rate.value;
  const queue = fits['shared.connect.queue'];
  return {
    ...m,
    ratePerSec: Math.min(m.ratePerSec, rate.value),
    burst: Math.min(m.burst, burst),
    queue: queue === undefined || queue.bound === 'lower' ? m.queue : Math.min(m.queue, queue.value),
  };
}

/** What a probe stopped by its own load generator measured, and what to do about it. */
function generatorNote(p: ProbeOutcome): string[] {
  const step = p.steps.find((s) => s.record.generatorBound === true)?.record;
  if (p.stoppedBy !== 'generator' || step === undefined) return [];
  return [
    `${p.probe}: at ${fmtRate(step.offered)} ${rateUnit(p.probe)}/s this machine's load generator fell behind ` +
      `(it sent ${fmtUs(step.sendLagP99Us ?? null)} late at p99, against a p99 latency of ${fmtUs(step.p99Us)}) ` +
      `before the target showed a knee: its rate is a lower bound (the most served). Calibrate from a ` +
      `machine with more free cores (not the target's own), or with target.limits below that rate`,
  ];
}

function overall(probes: readonly ProbeOutcome[]): StoppedBy {
  const ran = probes.filter((p) => p.steps.length > 0);
  if (ran.some((p) => p.stoppedBy === 'generator')) return 'generator';
  if (ran.some((p) => p.stoppedBy === 'limits')) return 'limits';
  if (ran.some((p) => p.stoppedBy === 'cap')) return 'cap';
  return 'knee';
}

async function httpProbes(
  o: CalibrateOptions,
  t: CalibrateTarget,
  deps: CalibrateDeps,
  originUs: number,
): Promise<ProbeOutcome[]> {
  if (o.httpUrl === null) return [];
  const http = new OtaHttpClient({
    baseUrl: o.httpUrl,
    clock: deps.clock,
    connectionsPerOrigin: Math.min(64, o.limits.connections ?? 64),
    headersTimeoutMs: o.answerTimeoutMs,
    ...(t.hostAddresses ? { resolve: t.hostAddresses } : {}),
    ...(t.tls ? { tls: t.tls } : {}),
  });
  try {
    await http.assertReachable();
    const checkin = await checkinProbe(http, o, deps, originUs, t.runTag);
    const url = await firmwareUrl(http, t.runTag, o.downloadBytes);
    const download = await downloadProbe(http, o, deps, originUs, url);
    return [checkin, download];
  } finally {
    await http.close();
  }
}

export async function calibrate(
  options: CalibrateOptions,
  t: CalibrateTarget,
  deps: CalibrateDeps,
): Promise<CalibrationResult> {
  // target.limits.connections bounds every probe's sockets, the held publishers included
  const cap = Math.min(options.maxConnections, options.limits.connections ?? Infinity);
  const o: CalibrateOptions = {
    ...options,
    maxConnections: cap,
    publishConnections: Math.min(options.publishConnections, cap),
  };
  const takenAt = new Date(deps.wallClockMs()).toISOString();
  const originUs = deps.clock();
  const poolOptions: ProbePoolOptions = {
    urls: o.mqttUrls,
    identity: t.identity,
    protocolVersion: t.protocolVersion,
    answerTimeoutMs: o.answerTimeoutMs,
    tls: t.tls,
    hostAddresses: t.hostAddresses,
  };
  const p = new ProbePool(poolOptions, deps);
  const probes: ProbeOutcome[] = [];
  let alone: ProbeOutcome[] = [];
  try {
    const connect = await connectProbe(p, o, deps, originUs, (step) => assertFirstStepServed(step, t));
    probes.push(connect);
    // several brokers: each by itself too, to tell shared capacity from independent brokers
    if (o.mqttUrls.length > 1) {
      alone = await aloneProbes(poolOptions, o, deps, originUs);
      probes.push(...alone);
    }
    const rate = openRate(connect);
    probes.push(await publishProbe(p, o, deps, originUs, t.runTag, rate));
    probes.push(await sessionsProbe(p, o, deps, originUs, rate));
    p.closeAll();
    await waitFor(() => p.open.size === 0, o.answerTimeoutMs, deps.timers, deps.clock);
  } finally {
    p.close();
  }
  probes.push(...(await httpProbes(o, t, deps, originUs)));
  const brokers = o.mqttUrls.length;
  const fitContext = { rule: kneeRuleOf(o), resamples: o.resamples, seed: o.seed };
  const fitted = fitBackend(probes, fitContext, brokers);
  const jointConnect = probes.find((x) => x.probe === 'connect' && x.steps.length > 0);
  const shared =
    alone.length > 0 && jointConnect !== undefined
      ? applyShared(fitted, jointConnect, alone, fitContext)
      : null;
  const stepSec = o.stepMs / 1000;
  for (const [probe, prefix] of [
    ['connect', 'connect'],
    ['publish', 'ingest'],
    ['checkin', 'checkin'],
  ] as const) {
    const steps = probes.find((x) => x.probe === probe)?.steps.map((s) => s.record) ?? [];
    const n = prefix === 'checkin' ? 1 : brokers;
    const model = serviceModelOf(fitted.fits, prefix, fitted.latencies[prefix] ?? null, n);
    annotateModelled(steps, prefix === 'connect' ? withShared(model, fitted.fits) : model, stepSec);
  }
  for (const a of alone)
    annotateModelled(
      a.steps.map((s) => s.record),
      serviceModelOf(fitted.fits, 'connect', fitted.latencies.connect ?? null, 1),
      stepSec,
    );
  const notes = probes.flatMap((x) => (x.skipped === undefined ? [] : [`${x.probe}: ${x.skipped}`]));
  notes.push(...probes.flatMap(generatorNote));
  const unreached = Object.entries(fitted.fits)
    .filter(
      ([k, f]) =>
        f.bound === 'lower' &&
        (k.endsWith('.queue') || k.endsWith('.max-sessions') || k.endsWith('.max-concurrent-downloads')),
    )
    .map(([k]) => k);
  if (unreached.length > 0)
    notes.push(
      `${unreached.join(', ')} not reached (lower bounds): left out of backend: so the scenario's own values apply; write them beside from: to hold the model to them`,
    );
  if (o.mqttUrls.length > 1)
    notes.push(
      `${o.mqttUrls.length} brokers probed together (connection i to URL i mod ${o.mqttUrls.length}): the figures are per broker (their sum / ${o.mqttUrls.length}; brokers: ${o.mqttUrls.length})${shared?.verdict.shared ? ', connect.rate and connect.burst excepted (each broker alone)' : ''}`,
    );
  if (shared !== null) notes.push(`connect: ${shared.note}`);
  return {
    takenAt,
    targets: o.httpUrl === null ? { mqtt: [...o.mqttUrls] } : { mqtt: [...o.mqttUrls], http: o.httpUrl },
    stoppedBy: overall(probes),
    probes,
    fits: fitted.fits,
    backend: fitted.backend,
    notes,
  };
}
