// report.json, schema version 1: the one artefact every renderer (summary, HTML, JUnit) and
// `report merge/render` reads. Fields under `run` (wall clock, host, paths) vary between
// identical runs; everything else is a pure function of resolved scenario + seed, which the
// determinism tests check by hashing the report without `run`.
import type { CohortsReport } from '../cohorts/compare.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { BackendCalibrationReport } from './backend-calibration.js';
import type { CommandsReport } from './commands-report.js';
import type { OtaReport } from './ota-report.js';
import type { SitesReport } from './site-report.js';

export const REPORT_SCHEMA_VERSION = 1;

export type RunStatus = 'completed' | 'interrupted' | 'aborted' | 'crashed';

/** A histogram's summary plus its exact HDR encoding (compressed base64) for merging. */
export interface HistogramReport {
  count: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  /** hdr-histogram-js encodeIntoCompressedBase64; empty string when count is 0. */
  hdr: string;
}

/** One point of a latency series: the interval's own distribution. */
export interface HistogramPoint {
  count: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  hdr: string;
}

export interface ThresholdResult {
  expr: string;
  abortOnFail: boolean;
  /** null when the metric had no data (a threshold on no data fails). */
  observed: number | null;
  limit: number;
  ok: boolean;
  message: string;
}

export interface FaultTimelineEntry {
  faultId: string;
  type: string;
  atUs: number;
  durationUs: number;
  devicesHit: number;
}

export interface WaveReport {
  index: number;
  startedAtUs: number | null;
  endedAtUs: number | null;
  targeted: number;
  offered: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
  bricked: number;
  pending: number;
}

export interface RolloutReport {
  version: string;
  state: 'pending' | 'running' | 'paused' | 'aborted' | 'done';
  stateReason: string | null;
  waves: WaveReport[];
}

/** A device that ended failed, rolled back or bricked, with its event trail. */
export interface DeviceOutcome {
  device: number;
  deviceType: string;
  /**
   * Rollout: how the update ended; operations: a command answered with an error, or not at all;
   * device programs: a hook or timer threw, ran past its budget, or logged an error.
   */
  outcome:
    | 'failed'
    | 'rolled-back'
    | 'bricked'
    | 'command-error'
    | 'command-unanswered'
    | 'program-error'
    | 'program-runaway'
    | 'program-log';
  /** The operation's name (command outcomes), or the program's hook (program outcomes). */
  operation?: string;
  trail: { atUs: number; event: string }[];
  /** Program outcomes: the error's stack (first lines), or the logged message. */
  stack?: string;
}

/** Live mode: connect failures of one reason with one detail (CONNACK code, socket/TLS error). */
export interface ConnectErrorCount {
  /** The mqtt_connect_failed_total label: `not_authorized`, `tls`, `connection_refused`... */
  reason: string;
  /** `MQTT 5 reason 0x87`, `MQTT 3.1.1 return code 5`, `SELF_SIGNED_CERT_IN_CHAIN`, `ECONNREFUSED`... */
  detail: string;
  count: number;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'fleetstorm'; version: string };
  scenario: ResolvedScenario;
  seed: number;
  replay: string;
  status: RunStatus;
  statusReason: string | null;
  verdict: 'passed' | 'failed' | 'aborted' | 'incomplete';
  /** Virtual time the run reached (== duration when completed). */
  reachedUs: number;
  intervalUs: number;
  devices: number;
  metrics: {
    histograms: Record<string, HistogramReport>;
    counters: Record<string, number>;
    derived: Record<string, number | null>;
  };
  series: {
    /** End of each interval, virtual µs. */
    timesUs: number[];
    /** Per-interval increments. */
    counters: Record<string, number[]>;
    histograms: Record<string, HistogramPoint[]>;
    /** Devices in each connectivity / OTA state at the end of each interval. */
    connStates: Record<string, number[]>;
    otaStates: Record<string, number[]>;
    /** Share of targeted devices on the rollout's version at the end of each interval. */
    onTargetRatio: number[];
  };
  thresholds: ThresholdResult[];
  faults: FaultTimelineEntry[];
  rollout: RolloutReport | null;
  /** `operations`: commands sent, replies, latencies, answered share over time. Absent without operations. */
  commands?: CommandsReport;
  /** Cohorts side by side (`compare:` or a `compare(...)` threshold). Absent: nothing compared. */
  cohorts?: CohortsReport;
  /** OTA requests per endpoint role (both modes); live against the embedded backend, the server's view. */
  ota?: OtaReport;
  outcomes: { total: number; sample: DeviceOutcome[]; file: string | null };
  /** `sites`: totals and the worst sites by failure ratio and by recovery. Absent without sites. */
  sites?: SitesReport;
  warnings: string[];
  /**
   * Virtual runs with `backend: { from: }`: the calibration used (file, when, against what) and how
   * far predictions from a calibration have been from live measurements. Absent otherwise.
   */
  backend?: { calibration: BackendCalibrationReport };
  /** Live mode only (absent in virtual runs): connect failures with their detail, most first. */
  live?: { connectErrors: ConnectErrorCount[] };
  /** Varies between identical runs; excluded from determinism hashes. */
  run: {
    startedAt: string;
    wallMs: number;
    node: string;
    platform: string;
    workers: number;
    eventsProcessed: number;
    outDir: string | null;
  };
}
