// The resolved scenario: what the engine runs. Every duration is in microseconds (`…Us`), every
// size in bytes, every ratio in 0..1, every rate per second. Users write `15m`, `4MiB`, `10%`;
// only src/scenario/resolve.ts turns those into these numbers. ScenarioInput (what users write)
// is inferred from the zod schema in schema.ts; this file is the engine-facing contract.

import { CONN_STATES, OTA_STATES, type ConnStateName, type OtaStateName } from '../metrics/catalog.js';
import type { PayloadTemplate } from '../payload/compile.js';
import type { OtaProtocolName } from '../ota-protocols/types.js';
import type { SiteWho, SitesConfig } from '../topology/types.js';
import type { AwsJobsSettings, HawkbitSettings, MenderSettings } from './ota-settings/index.js';

/** A value drawn per device, uniformly in [min, max]; a fixed value has min === max. */
export interface Range {
  min: number;
  max: number;
}

export const MODES = ['virtual', 'live'] as const;
export type Mode = (typeof MODES)[number];

export const BACKOFF_POLICIES = ['none', 'equal', 'full', 'decorrelated'] as const;
export type BackoffPolicy = (typeof BACKOFF_POLICIES)[number];

export const RADIO_PROFILES = ['wifi', 'lte-m', 'nb-iot', 'ethernet'] as const;
export type RadioProfile = (typeof RADIO_PROFILES)[number];

export interface BackoffConfig {
  policy: BackoffPolicy;
  baseUs: number;
  maxUs: number;
  multiplier: number;
}

export interface RadioConfig {
  profile: RadioProfile;
  bandwidthBytesPerSec: number;
  /** One-way network latency between device and backend. */
  latencyUs: Range;
  /** Share of packets lost; in virtual mode a lost connect/publish attempt times out. */
  lossRatio: number;
}

export interface BatteryConfig {
  /** null = mains powered, never goes flat. */
  capacityMah: number | null;
  /** State of charge at power-on, drawn per device. */
  initialRatio: Range;
  /** Current drawn per state, in milliampere. */
  drainMa: { sleep: number; connected: number; download: number; install: number };
  /** Charge used by one telemetry publish, in mAh. */
  publishMah: number;
  /** What a flat device does: stay dark, or come back after `rechargeAfterUs` fully charged. */
  onFlat: 'dark' | 'recharge';
  rechargeAfterUs: Range;
}

export const MQTT_PROTOCOLS = ['3.1.1', '5'] as const;
export type MqttProtocol = (typeof MQTT_PROTOCOLS)[number];

export interface ConnectivityConfig {
  /** persistent: stays connected; duty-cycle: wake, connect, publish, disconnect, sleep. */
  mode: 'persistent' | 'duty-cycle';
  keepaliveUs: number;
  connectTimeoutUs: number;
  cleanSession: boolean;
  /** MQTT protocol on the wire (live mode): 3.1.1 (level 4) or 5. */
  protocol: MqttProtocol;
  /**
   * MQTT 5 session expiry sent with `cleanSession: false`, in real µs as the broker counts them
   * (not scaled by live.speed). Absent in reports written before it existed: 1 h.
   */
  sessionExpiryUs: number;
  backoff: BackoffConfig;
  identity: IdentityConfig;
  /** A client certificate per device (TLS targets). Absent in older reports: none. */
  tls?: DeviceTls | null;
  /** Published right after each CONNACK (live mode). Absent in older reports: none. */
  birth?: BirthConfig | null;
  /** The Last Will sent in CONNECT (live mode). Absent in older reports: none. */
  will?: WillConfig | null;
}

/** A birth message: topic and payload are device-fact templates. */
export interface BirthConfig {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  /** Published retained (absent in older reports: false). */
  retain?: boolean;
}

/** A Last Will; `delayUs` is the MQTT 5 will delay interval in real µs (0: none). */
export interface WillConfig extends BirthConfig {
  retain: boolean;
  delayUs: number;
}

export const JWT_ALGS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlg = (typeof JWT_ALGS)[number];

/**
 * A device's MQTT password as written: a template with `${env:…}` / `${file:…}` references, or
 * a token generator. Secret values are read only when a live run connects (src/identity).
 */
export type PasswordSource =
  | { kind: 'text'; text: string }
  | {
      kind: 'jwt';
      alg: JwtAlg;
      /** HS256 secret or RS256/ES256 PEM key, as written (usually a reference). */
      key: string;
      claims: Record<string, string | number | boolean>;
      expiryUs: number;
    }
  | { kind: 'sas'; hub: string; key: string; resource: string; policy: string | null; expiryUs: number };

/** Who a device says it is on CONNECT: device-fact templates (src/identity/template.ts). */
export interface IdentityConfig {
  clientId: string;
  username: string | null;
  password: PasswordSource | null;
}

export interface TelemetryStreamConfig {
  intervalUs: number;
  /** Each interval is drawn from intervalUs ± jitterUs. */
  jitterUs: number;
  /** Drawn per publish; for a template, the size of a sample render. */
  payloadBytes: Range;
  qos: 0 | 1 | 2;
  /** Live mode: PUBLISH with the retain flag. */
  retain: boolean;
  /** Topic template (`devices/{id}/telemetry`); null: fleetstorm's own topic. */
  topic: string | null;
  /** Payload template (src/payload); null: `payloadBytes` of filler carrying the send time. */
  template: PayloadTemplate | null;
  /** MQTT 5 user properties: name and device-fact template source, in order. Absent: none. */
  userProperties?: readonly (readonly [string, string])[];
  /** MQTT 5 message expiry interval in seconds; absent or null: none. */
  messageExpirySec?: number | null;
}

/** The first stream's fields, plus every stream (one when `streams` is not written). */
export interface TelemetryConfig extends TelemetryStreamConfig {
  streams: TelemetryStreamConfig[];
  /** Readings taken while offline are kept and flushed on reconnect. Absent or null: none. */
  buffer?: TelemetryBufferConfig | null;
  /** Wall-clock aligned readings (`at`, `cron`) instead of the interval. Absent or null: interval. */
  schedule?: TelemetryScheduleConfig | null;
}

/** `telemetry.buffer` (src/device/telemetry-buffer.ts). */
export interface TelemetryBufferConfig {
  capacity: number;
  /** Full buffer: drop the oldest reading for the new one (true), or drop the new one. */
  dropOldest: boolean;
  /** Flushed readings per second after a reconnect. */
  flushPerSec: number;
}

/** `telemetry.at` / `telemetry.cron` (src/device/schedule.ts). */
export interface TelemetryScheduleConfig {
  /** Reading times within a day of the device's clock, ascending, in [0, 24 h). */
  offsetsUs: number[];
  /** Each reading waits 0..splayUs after its aligned time (from `telemetry.jitter`). */
  splayUs: number;
}

/** `clock`: the device's clock rate, drawn once per device within ±driftPpm. */
export interface ClockConfig {
  driftPpm: number;
  /** Time since the clock was last synced when the run starts: the drift's head start. */
  sinceSyncUs: number;
}

export interface OtaAgentConfig {
  slots: 'ab' | 'single';
  /** Resume an interrupted download from the byte offset reached (HTTP Range). */
  resume: boolean;
  /** How the device learns of an update: polling check-in or a push notification. */
  discovery: 'poll' | 'push';
  checkIntervalUs: number;
  /** No install below this state of charge (0..1). */
  minBatteryRatio: number;
  verifyUs: Range;
  installUs: Range;
  rebootUs: Range;
  healthCheckUs: Range;
  /** Share of installs whose new image fails its health check after reboot (then rollback). */
  healthFailureRatio: number;
  maxAttempts: number;
  retryBackoff: BackoffConfig;
  /** `ota.protocol`: the conversation with the update server. */
  protocol: OtaProtocolName;
  /** `ota.mender`, `ota.hawkbit`, `ota.aws-jobs`: the chosen protocol's settings, null for the others. */
  mender: MenderSettings | null;
  hawkbit: HawkbitSettings | null;
  awsJobs: AwsJobsSettings | null;
}

/** What a command does to the device that receives it (`commands.actions`). */
export const COMMAND_EFFECTS = ['reboot', 'telemetry-interval', 'ota-check', 'none'] as const;
export type CommandEffect = (typeof COMMAND_EFFECTS)[number];

/** A device type's `commands`: topic templates are device-fact templates (src/identity/template.ts). */
export interface CommandsConfig {
  /** Subscribed after every CONNACK (`devices/{id}/cmd`). */
  topic: string;
  /** Where the device answers; with `useResponseTopic` the operator asks for this topic itself. */
  replyTopic: string;
  /** MQTT 5 and no `reply-topic` written: answer on the request's response topic + correlation data. */
  useResponseTopic: boolean;
  qos: 0 | 1 | 2;
  /** Drawn per command from the device's stream. */
  replyDelayUs: Range;
  /** Share of commands answered with an error result (and no effect). */
  failureRatio: number;
  /** JSON field of the command payload that names the command. */
  nameField: string;
  /** Command name → effect; unlisted names have none. */
  actions: Record<string, CommandEffect>;
}

export interface DeviceType {
  name: string;
  /** The device's program (src/program), absolute once loaded. Absent: the built-in device only. */
  program?: { path: string; budgetMs: number };
  firmware: string;
  radio: RadioConfig;
  battery: BatteryConfig;
  connectivity: ConnectivityConfig;
  telemetry: TelemetryConfig;
  ota: OtaAgentConfig;
  /** Commands the device answers. Absent in older reports: none. */
  commands?: CommandsConfig | null;
  /** The device's clock. Absent in older reports: exact. */
  clock?: ClockConfig;
  /** First boot registers before it connects (src/device/provision.ts). Absent or null: none. */
  provisioning?: ProvisioningConfig | null;
}

/** A device type's `provisioning`. */
export interface ProvisioningConfig {
  /** One registration request unanswered this long has failed (then the reconnect backoff). */
  timeoutUs: number;
  /** Live mode: the registration endpoint (POST) on `target.http`. */
  path: string;
}

export interface FleetGroup {
  /** Name of a device type in `deviceTypes`. */
  device: string;
  count: number;
  /** Overrides the device type's initial firmware version for this group. */
  firmware: string | null;
  /** The group's tags (cohorts by `tag:<name>`). Absent or null: none. */
  tags?: Record<string, string> | null;
  /** The group's own power-on (a batch powering on later). Absent or null: the scenario's. */
  powerOn?: { startUs: number; spreadUs: number } | null;
  /** UTC offsets the group's devices are spread over (local time of day). Absent or null: UTC. */
  timezoneOffsetsUs?: number[] | null;
}

/** One modelled service: a rate-limited queue with a bound and a service time. */
export interface ServiceModelConfig {
  ratePerSec: number;
  queueLimit: number;
  /** Uniform service time; with `latencyDistUs`, its p50..p99 span (for displays). */
  latencyUs: Range;
  /** Lognormal service time with this median and 99th percentile; absent: uniform over latencyUs. */
  latencyDistUs?: { p50: number; p99: number };
}

/** The calibration a modelled backend was taken from (`backend: { from: … }`). */
export interface CalibrationRef {
  /** The calibration file, as the scenario or profile named it, resolved against that file's folder. */
  file: string;
  /** When the calibration was taken (ISO time). */
  takenAt: string;
  targets: { mqtt: string[]; http?: string };
  stoppedBy: 'knee' | 'generator' | 'cap' | 'limits';
}

/** How the modelled broker treats sessions beyond its queues (`backend.mqtt`). */
export interface BackendMqttConfig {
  /** Extra service time of a connect taking over a kept session its device left by a reset. */
  sessionTakeover?: Pick<ServiceModelConfig, 'latencyUs' | 'latencyDistUs'>;
  /** QoS 1 publishes in flight when the session drops are resent (kept session) or lost, as live. */
  trackInFlight?: true;
}

export interface BackendModelConfig {
  /**
   * Brokers sharing the MQTT load, each with the connect, ingest and fan-out figures; device i
   * uses broker i mod N. Absent: 1 (older reports and every scenario without `brokers:`).
   */
  brokers?: number;
  /** Set when the figures came from a calibration file. */
  calibration?: CalibrationRef;
  connect: {
    /** Accepted connections per second (token bucket refill). */
    ratePerSec: number;
    /** Token bucket size: connections accepted at once after an idle period. */
    burst: number;
    /** Connects waiting beyond this are refused (MQTT 5 reason 0x9F, connection rate exceeded). */
    queueLimit: number;
    maxSessions: number;
    /** Broker processing latency of one accepted connect. */
    latencyUs: Range;
    latencyDistUs?: { p50: number; p99: number };
  };
  /**
   * Connect capacity every broker draws on together (brokers on one host share its cores): a
   * connect is answered when both its broker's queue and this one let it through. Absent: the
   * brokers are independent (older reports and every scenario without `shared:`).
   */
  shared?: { connect: { ratePerSec: number; burst: number; queueLimit: number } };
  /** `backend.mqtt`; absent when neither is set (older reports, and every scenario without it). */
  mqtt?: BackendMqttConfig;
  ingest: ServiceModelConfig;
  checkin: ServiceModelConfig;
  /** Broker fan-out of operator commands: deliveries to device sessions per second. */
  fanout: ServiceModelConfig;
  /** Registration (provisioning) API. Absent in older reports: ample. */
  registration?: ServiceModelConfig;
  ota: { bandwidthBytesPerSec: number; maxConcurrentDownloads: number };
}

export interface RolloutWave {
  /** Exactly one of ratio (share of the targeted devices) or count is set. */
  ratio: number | null;
  count: number | null;
}

export interface RolloutConfig {
  firmware: { version: string; sizeBytes: number };
  startUs: number;
  /** Cumulative targets: wave i offers the update to the devices up to waves[i]. */
  waves: RolloutWave[];
  /** Next wave after this long, or null when gated only by `waveWhenDoneRatio`. */
  waveIntervalUs: number | null;
  /** Next wave when this share of the previous wave is done (committed, rolled back or bricked). */
  waveWhenDoneRatio: number | null;
  selector: { deviceTypes: string[] | null; fromVersions: string[] | null; ratio: number };
  maxConcurrentDownloads: number | null;
  /** Stop offering the update when a wave's failure ratio passes this limit. */
  failureLimit: { ratio: number; action: 'pause' | 'abort' } | null;
  /** A rollback campaign offers `firmware` as a downgrade to devices on `fromVersions`. */
  kind: 'update' | 'rollback';
  /**
   * Install only inside this window of each device's local time of day (µs since local
   * midnight; end < start crosses midnight). Absent or null: install at once.
   */
  installWindow?: { startUs: number; endUs: number } | null;
}

export const FAULT_TYPES = [
  'radio-drop',
  'radio-degrade',
  'power-loss',
  'battery-flat',
  'corrupt-image',
  'clock-skew',
  'backend-outage',
  'backend-slow',
  'half-open',
  'broker-reject',
  // Lifecycle actions on the same timeline (when × who): the device is retired, or registers again.
  'decommission',
  'reprovision',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** Device states a fault can be tied to with `during`. */
export const DURING_STATES = [
  'connecting',
  'connected',
  'ota.checking',
  'ota.downloading',
  'ota.verifying',
  'ota.installing',
  'ota.rebooting',
  'ota.health-check',
] as const;
export type DuringState = (typeof DURING_STATES)[number];

/**
 * States a timed fault can select devices by (`who.state`): the connectivity states of the
 * metrics catalogue, and its OTA agent states prefixed `ota.`.
 */
export type WhoState = ConnStateName | `ota.${OtaStateName}`;
export const WHO_STATES = [...CONN_STATES, ...OTA_STATES.map((st) => `ota.${st}` as const)] as [
  WhoState,
  ...WhoState[],
];

export interface FaultWho {
  /** Share of the matching devices hit (0..1); null with count set. */
  ratio: number | null;
  count: number | null;
  deviceTypes: string[] | null;
  firmwareVersions: string[] | null;
  /** Device states (WHO_STATES) a device must be in when a timed occurrence starts; null: any. */
  states: WhoState[] | null;
  /** `who.sites`: whole sites chosen (src/topology); absent or null: devices are chosen one by one. */
  sites?: SiteWho | null;
}

export interface FaultConfig {
  type: FaultType;
  /** Stable id `f<index>` for the timeline. */
  id: string;
  atUs: number | null;
  everyUs: number | null;
  during: DuringState | null;
  /** Metric condition (threshold syntax) that starts the fault at an interval boundary. */
  when: string | null;
  durationUs: Range;
  who: FaultWho;
  /** radio-degrade / backend-slow parameters; unused fields are null. */
  params: {
    latencyUs: number | null;
    lossRatio: number | null;
    bandwidthBytesPerSec: number | null;
    skewUs: number | null;
    /** backend-slow: service rates divided by this factor. */
    slowFactor: number | null;
    /**
     * backend-outage: only these brokers (0-based, sorted) go down; absent: the whole backend
     * (older reports and every outage without `brokers`).
     */
    brokers?: number[];
  };
}

/** One bulk command on the operator's timeline (`operations[i]`). */
export interface OperationConfig {
  /** Stable id `op<index>`. */
  id: string;
  /** `name`, or the id. */
  name: string;
  atUs: number;
  command: {
    name: string;
    /** Sent as written (JSON). */
    args: Record<string, unknown>;
    /** `args.interval` parsed, for a telemetry-interval effect; null without one. */
    intervalUs: number | null;
    /** Topic template; null: each device type's `commands.topic`. */
    topic: string | null;
    /** null: each device type's `commands.qos`. */
    qos: 0 | 1 | 2 | null;
  };
  /** Selected like a timed fault's devices (src/faults/select.ts), among devices with `commands`. */
  who: FaultWho;
  ratePerSec: number;
  /** No reply this long after the intended send time: unanswered. */
  timeoutUs: number;
}

export interface ThresholdConfig {
  /** Expression such as `p99(mqtt_connect_duration_us) < 2s` or `ota_bricked_total == 0`. */
  expr: string;
  /** Stop the run (exit 4) as soon as this fails. */
  abortOnFail: boolean;
  /**
   * Pass when the threshold's subject never happened (no data) instead of failing. Absent in
   * reports written before it existed: false.
   */
  allowEmpty?: boolean;
}

export interface LiveConfig {
  /** virtual time = real time × speed; `Infinity` for `--speed max` / `speed: max` (as fast as possible). */
  speed: number;
  maxConcurrentConnections: number;
  processes: number;
}

/** `target.tls`: file paths as written (relative to the scenario file), read at run time. */
export interface TargetTls {
  ca: string | null;
  /** Name checked against the server certificate; null: the URL's host name. */
  servername: string | null;
  /** Connect without verifying the server certificate (warned). */
  insecure: boolean;
  /** Client certificate and key shared by the fleet (both or neither). */
  cert: string | null;
  key: string | null;
  alpn: string[];
}

/** A device type's own client certificate: path templates (`certs/{id}.pem`). */
export interface DeviceTls {
  certTemplate: string;
  keyTemplate: string;
}

export interface TargetConfig {
  /** Empty ⇒ the embedded backend is started on loopback. */
  mqttUrls: string[];
  httpUrl: string | null;
  /** Host name → address used instead of DNS (`--resolve`). Absent in older reports: none. */
  resolve?: Record<string, string>;
  /** Guard rails at the socket layer. Absent in older reports: none. */
  limits?: TargetLimits;
  /** TLS settings for mqtts://, wss:// and https:// targets. Absent in older reports: none. */
  tls?: TargetTls | null;
  /** `target.preset`: the platform whose conventions and quotas apply. Absent in older reports: generic. */
  preset?: 'generic' | 'aws-iot-core' | 'azure-iot-hub';
}

/** `target.limits`: null = no limit. Rates per real second. */
export interface TargetLimits {
  connections: number | null;
  connectRatePerSec: number | null;
  publishRatePerSec: number | null;
  requestRatePerSec: number | null;
  bandwidthBytesPerSec: number | null;
}

/** What makes a cohort (src/cohorts): `firmware`, `device-type`, `site` or `tag:<name>`. */
export type CohortBy = 'firmware' | 'device-type' | 'site' | `tag:${string}`;

/** One `compare:` entry. */
export interface CompareConfig {
  by: CohortBy;
  /** The cohort every other one is compared with; null: the first cohort. */
  baseline: string | null;
}

/** A firmware version's own behaviour (`firmware-versions`). */
export interface FirmwareVersionConfig {
  /** Battery currents and publish charge × this. */
  drainFactor: number;
}

export interface ResolvedScenario {
  name: string;
  description: string;
  /** Path of the scenario file as given, or null for an in-memory scenario. */
  sourcePath: string | null;
  profile: string | null;
  seed: number;
  mode: Mode;
  durationUs: number;
  /** Resolution of the per-interval series and of metric snapshots. */
  intervalUs: number;
  /** 0 ⇒ one worker per core. */
  workers: number;
  deviceTypes: Record<string, DeviceType>;
  fleet: FleetGroup[];
  powerOn: { startUs: number; spreadUs: number };
  backend: BackendModelConfig;
  rollout: RolloutConfig | null;
  faults: FaultConfig[];
  /** `sites`: the fleet's topology (src/topology). Absent in older reports: none. */
  sites?: SitesConfig | null;
  /** The operator's bulk commands, by time. Absent in older reports: none. */
  operations?: OperationConfig[];
  thresholds: ThresholdConfig[];
  /** Cohorts compared at the end (src/cohorts). Absent in older reports: none. */
  compare?: CompareConfig[];
  /** Per-version behaviour, by version. Absent in older reports: every version alike. */
  firmwareVersions?: Record<string, FirmwareVersionConfig>;
  target: TargetConfig;
  live: LiveConfig;
  shard: { index: number; count: number } | null;
  /**
   * Set when a profile, the environment or a flag resized the fleet: the scenario's own size, and
   * whether the backend capacity and absolute counts were scaled with it (`scale-backend`).
   */
  scaledFrom: { devices: number; backend: boolean } | null;
}
