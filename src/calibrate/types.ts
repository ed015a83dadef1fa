// Public types of `fleetstorm calibrate`: the options of a probe, one measured step, one fitted
// value, and the result the command writes (backend.calibrated.yaml, calibration.json/html).
import type { Timers } from '../clock/real-clock.js';

/** `connect-alone`: the connect ladder against one of several brokers by itself (`target`). */
export type ProbeKind = 'connect' | 'connect-alone' | 'publish' | 'sessions' | 'checkin' | 'download';
/** `generator`: this machine's load generator fell behind before the target showed a knee. */
export type StoppedBy = 'knee' | 'generator' | 'cap' | 'limits';
/** Why a step is the knee: latency grew, refusals or errors came, or fewer were served than offered. */
export type KneeReason = 'latency' | 'refusals' | 'throughput';

export interface CalibrateOptions {
  mqttUrls: readonly string[];
  httpUrl: string | null;
  /** Sessions the probe may hold at once, and connects in one step. Default 5000. */
  maxConnections: number;
  /** Real ms of offered load per step. Default 3000. */
  stepMs: number;
  /** Real ms between steps (the target's buckets refill). Default 500. */
  pauseMs: number;
  /** A CONNACK (or HTTP answer) not here after this long counts as an error. Default 10000. */
  answerTimeoutMs: number;
  /** First connect-rate step (/s); each next step doubles it. Default 50. */
  connectStartPerSec: number;
  /** Highest connect-rate step. Default 20000. */
  connectMaxPerSec: number;
  /** Connections that carry the publish ramp. Default 100. */
  publishConnections: number;
  publishStartPerSec: number;
  publishMaxPerSec: number;
  checkinStartPerSec: number;
  checkinMaxPerSec: number;
  /** Highest number of downloads at once. Default 32. */
  downloadMaxConcurrent: number;
  /** Size of the image the download probe asks for (when no offer names one). Default 1 MiB. */
  downloadBytes: number;
  /** p99 past this many × the baseline p99 (and past it by `kneeFloorUs`) is a latency knee. */
  kneeFactor: number;
  kneeFloorUs: number;
  /** `target.limits`: no step goes past them (null = none). */
  limits: ProbeLimits;
  /** Bootstrap resamples of each confidence interval. Default 1000. */
  resamples: number;
  seed: number;
}

export interface ProbeLimits {
  connections: number | null;
  connectRatePerSec: number | null;
  publishRatePerSec: number | null;
  requestRatePerSec: number | null;
  bandwidthBytesPerSec: number | null;
}

/** Time, timers and randomness, injected (tests give their own; the CLI the real ones). */
export interface CalibrateDeps {
  /** Monotonic µs. */
  clock: () => number;
  timers: Timers;
  /** Wall-clock ms, for `taken-at` only. */
  wallClockMs: () => number;
  /** One progress line per step (stderr in the CLI). */
  progress: (line: string) => void;
}

/** One bounded step of one probe, as calibration.json keeps it. */
export interface StepRecord {
  probe: ProbeKind;
  index: number;
  /** Offered rate (/s); for `sessions` the sessions asked for, for `download` the downloads at once. */
  offered: number;
  /** Served rate (/s) from the first intended start to the last answer; sessions: held; download: bytes/s. */
  achieved: number;
  attempts: number;
  ok: number;
  refused: number;
  errors: number;
  errorCodes: Record<string, number>;
  p50Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  /** Most requests waiting for an answer at once (a queue depth the target held). */
  inFlightMax: number;
  startMs: number;
  durationMs: number;
  knee: KneeReason | null;
  /**
   * How late the generator sent at p99 (µs after each request's intended time; the 5 ms tick
   * included): a busy event loop shows here before it shows as the target's latency.
   */
  sendLagP99Us?: number | null;
  /** The knee came from this machine's load generator falling behind, not from the target. */
  generatorBound?: boolean;
  /** The fitted model's p50/p99 at this step's offered load (filled after the fit). */
  modelled?: { p50Us: number; p99Us: number } | undefined;
}

/** Per-request samples of a step, for the fit (not written). */
export interface StepSamples {
  /** Latency of each answered request, µs (from its intended send time: the knee sees a late generator). */
  latencyUs: number[];
  /**
   * The same less how late the request went out (its send lag): the target's own answer time,
   * which the service-time fit uses. The generator sends in ticks, so a request waits up to a
   * tick (5 ms) before it leaves; counting that as the target's service time put a broker that
   * answered live devices in 1 ms at 3-4 ms.
   */
  serviceUs: number[];
  /** When each answered request was answered (µs on the probe clock), in answer order. */
  doneUs: number[];
  /** When the step's first request was meant to start (µs). */
  startUs: number;
  /** Bytes per answered request (downloads). */
  bytes?: number[];
}

export interface MeasuredStep {
  record: StepRecord;
  samples: StepSamples;
}

/** One fitted `backend:` value with its 95 % interval; `bound: 'lower'` when no knee was reached. */
export interface Fit {
  value: number;
  low: number;
  high: number | null;
  unit: string;
  steps: number;
  bound?: 'lower';
  /** How the interval was made (calibration.json only). */
  method: string;
}

export interface ProbeOutcome {
  probe: ProbeKind;
  steps: MeasuredStep[];
  stoppedBy: StoppedBy;
  /** Set when the probe could not run at all (e.g. no firmware to download). */
  skipped?: string;
  /** `connect-alone`: which `--target-mqtt` URL (0-based) was probed by itself. */
  target?: number;
}

export interface CalibrationResult {
  takenAt: string;
  targets: { mqtt: string[]; http?: string };
  stoppedBy: StoppedBy;
  probes: ProbeOutcome[];
  /** Dotted `backend:` path → fit. */
  fits: Record<string, Fit>;
  /** The `backend:` section (scenario syntax). */
  backend: BackendSection;
  notes: string[];
}

/** A field of the `backend:` section: a count, a unit string, or `{ p50, p99 }`. */
export type BackendValue = string | number | { readonly [key: string]: BackendValue };
export type BackendFields = Record<string, BackendValue>;

export interface BackendSection {
  /** Brokers probed together (the connect and ingest figures are per broker). */
  brokers?: number;
  connect: BackendFields;
  /** Connect capacity the brokers share (written only when the joint probe shows it). */
  shared?: { connect: BackendFields };
  ingest: BackendFields;
  checkin?: BackendFields;
  ota?: BackendFields;
}
