// Device types compiled to flat numeric records, indexed by the per-device `type` byte. The hot
// path reads only numbers from here: no strings, no optional chaining.
import { compileTemplate, type DeviceTemplate } from '../identity/template.js';
import { compilePayload, type PayloadProgram } from '../payload/compile.js';
import { compileOtaPattern, type OtaPatternParams } from './ota-pattern.js';
import type {
  BackoffConfig,
  CommandsConfig,
  DeviceType,
  ResolvedScenario,
  TelemetryStreamConfig,
} from '../scenario/types.js';

const MA_TO_MAH_PER_US = 1 / 3.6e9;

export interface BackoffParams {
  policy: 0 | 1 | 2 | 3; // none, equal, full, decorrelated
  baseUs: number;
  maxUs: number;
  multiplier: number;
}

/** OTA fields come from the protocol too (ota-pattern.ts): otaProtocol, otaCheckUs, otaPer*. */
export interface TypeParams extends OtaPatternParams {
  name: string;
  /**
   * The type's built-in telemetry runs: false when its device program says `telemetry: false`
   * (set by src/program when the program is loaded; the program's publishes replace it).
   */
  builtinTelemetry: boolean;
  mainsPowered: boolean;
  capacityMah: number;
  initialMin: number;
  initialMax: number;
  /** mAh per µs by activity. */
  drainSleep: number;
  drainConnected: number;
  drainDownload: number;
  drainInstall: number;
  publishMah: number;
  recharge: boolean;
  rechargeMinUs: number;
  rechargeMaxUs: number;
  latMinUs: number;
  latMaxUs: number;
  lossRatio: number;
  bandwidthBytesPerSec: number;
  dutyCycle: boolean;
  connectTimeoutUs: number;
  keepaliveUs: number;
  cleanSession: boolean;
  /** `connectivity.will` is set: the broker owes a will for each abrupt disconnect. */
  hasWill: boolean;
  /** MQTT protocol level on the wire: 4 (3.1.1) or 5. */
  mqttVersion: 4 | 5;
  /** MQTT 5 session expiry interval (real seconds) sent when the session is kept. */
  sessionExpirySec: number;
  backoff: BackoffParams;
  intervalUs: number;
  jitterUs: number;
  payloadMin: number;
  payloadMax: number;
  qos: number;
  /** Every telemetry stream; stream 0 repeats the fields above. */
  streams: StreamParams[];
  otaSingleSlot: boolean;
  otaResume: boolean;
  otaPush: boolean;
  otaCheckUs: number;
  otaMinBattery: number;
  verifyMinUs: number;
  verifyMaxUs: number;
  installMinUs: number;
  installMaxUs: number;
  rebootMinUs: number;
  rebootMaxUs: number;
  healthMinUs: number;
  healthMaxUs: number;
  healthFailureRatio: number;
  otaMaxAttempts: number;
  otaBackoff: BackoffParams;
  /** `commands`: null when the type answers none. */
  commands: CommandParams | null;
  /** `telemetry.buffer` capacity in readings; 0: no buffer (readings due offline are lost). */
  bufCapacity: number;
  bufDropOldest: boolean;
  /** Time between two flushed readings (1 / flush-rate). */
  flushGapUs: number;
  /** `telemetry.at` / `cron`: reading times within a day of the device clock; empty: interval. */
  alignOffsetsUs: Float64Array;
  /** Aligned readings wait 0..alignSplayUs (the type's jitter). */
  alignSplayUs: number;
  /** `clock.drift` bound as a fraction (50 ppm → 5e-5) and the drift's head start. */
  clockDrift: number;
  clockSinceSyncUs: number;
  /** `provisioning`: a registration request's timeout; 0 when the type does not register. */
  provisionTimeoutUs: number;
  /** Live mode: the registration endpoint's path. */
  provisionPath: string;
}

/** A device type's `commands`, as numbers for the fleet core. */
export interface CommandParams {
  qos: number;
  replyDelayMinUs: number;
  replyDelayMaxUs: number;
  failureRatio: number;
}

function commandParams(c: CommandsConfig | null | undefined): CommandParams | null {
  if (!c) return null;
  return {
    qos: c.qos,
    replyDelayMinUs: c.replyDelayUs.min,
    replyDelayMaxUs: c.replyDelayUs.max,
    failureRatio: c.failureRatio,
  };
}

/** Some device type answers commands: the shard carries the per-device command slots. */
export function anyCommands(s: ResolvedScenario): boolean {
  return Object.values(s.deviceTypes).some((t) => (t.commands ?? null) !== null);
}

/** One telemetry stream, with its templates compiled (once per process). */
export interface StreamParams {
  intervalUs: number;
  jitterUs: number;
  payloadMin: number;
  payloadMax: number;
  qos: number;
  retain: boolean;
  topic: DeviceTemplate | null;
  /** The topic's source, for the subscriber's filter. */
  topicSource: string | null;
  payload: PayloadProgram | null;
  /** MQTT 5 user properties: name and compiled device-fact template. */
  userProperties: readonly (readonly [string, DeviceTemplate])[];
  /** MQTT 5 message expiry (s); null: none. */
  messageExpirySec: number | null;
}

function streamParams(s: TelemetryStreamConfig, where: string): StreamParams {
  return {
    intervalUs: s.intervalUs,
    jitterUs: s.jitterUs,
    payloadMin: s.payloadBytes.min,
    payloadMax: s.payloadBytes.max,
    qos: s.qos,
    retain: s.retain,
    topic: s.topic === null ? null : compileTemplate(s.topic, `${where}.topic`),
    topicSource: s.topic,
    payload: s.template === null ? null : compilePayload(s.template, `${where}.payload`),
    userProperties: (s.userProperties ?? []).map(
      ([name, source]) => [name, compileTemplate(source, `${where}.user-properties.${name}`)] as const,
    ),
    messageExpirySec: s.messageExpirySec ?? null,
  };
}

const POLICY = { none: 0, equal: 1, full: 2, decorrelated: 3 } as const;

function backoffParams(b: BackoffConfig): BackoffParams {
  return { policy: POLICY[b.policy], baseUs: b.baseUs, maxUs: b.maxUs, multiplier: b.multiplier };
}

export function compileType(t: DeviceType): TypeParams {
  const b = t.battery;
  return {
    name: t.name,
    builtinTelemetry: true,
    mainsPowered: b.capacityMah === null,
    capacityMah: b.capacityMah ?? 0,
    initialMin: b.initialRatio.min,
    initialMax: b.initialRatio.max,
    drainSleep: b.drainMa.sleep * MA_TO_MAH_PER_US,
    drainConnected: b.drainMa.connected * MA_TO_MAH_PER_US,
    drainDownload: b.drainMa.download * MA_TO_MAH_PER_US,
    drainInstall: b.drainMa.install * MA_TO_MAH_PER_US,
    publishMah: b.publishMah,
    recharge: b.onFlat === 'recharge',
    rechargeMinUs: b.rechargeAfterUs.min,
    rechargeMaxUs: b.rechargeAfterUs.max,
    latMinUs: t.radio.latencyUs.min,
    latMaxUs: t.radio.latencyUs.max,
    lossRatio: t.radio.lossRatio,
    bandwidthBytesPerSec: t.radio.bandwidthBytesPerSec,
    dutyCycle: t.connectivity.mode === 'duty-cycle',
    connectTimeoutUs: t.connectivity.connectTimeoutUs,
    keepaliveUs: t.connectivity.keepaliveUs,
    cleanSession: t.connectivity.cleanSession,
    hasWill: (t.connectivity.will ?? null) !== null,
    mqttVersion: t.connectivity.protocol === '5' ? 5 : 4,
    sessionExpirySec: Math.min(0xffffffff, Math.round(t.connectivity.sessionExpiryUs / 1e6)),
    backoff: backoffParams(t.connectivity.backoff),
    intervalUs: t.telemetry.intervalUs,
    jitterUs: t.telemetry.jitterUs,
    payloadMin: t.telemetry.payloadBytes.min,
    payloadMax: t.telemetry.payloadBytes.max,
    qos: t.telemetry.qos,
    streams: t.telemetry.streams.map((s, i) => streamParams(s, `${t.name}: telemetry.streams[${i}]`)),
    otaSingleSlot: t.ota.slots === 'single',
    otaResume: t.ota.resume,
    otaPush: t.ota.discovery === 'push',
    otaMinBattery: t.ota.minBatteryRatio,
    verifyMinUs: t.ota.verifyUs.min,
    verifyMaxUs: t.ota.verifyUs.max,
    installMinUs: t.ota.installUs.min,
    installMaxUs: t.ota.installUs.max,
    rebootMinUs: t.ota.rebootUs.min,
    rebootMaxUs: t.ota.rebootUs.max,
    healthMinUs: t.ota.healthCheckUs.min,
    healthMaxUs: t.ota.healthCheckUs.max,
    healthFailureRatio: t.ota.healthFailureRatio,
    otaMaxAttempts: t.ota.maxAttempts,
    otaBackoff: backoffParams(t.ota.retryBackoff),
    ...compileOtaPattern(t),
    commands: commandParams(t.commands),
    ...scheduleParams(t),
    provisionTimeoutUs: t.provisioning?.timeoutUs ?? 0,
    provisionPath: t.provisioning?.path ?? '/provision',
  };
}

function scheduleParams(t: DeviceType) {
  const buf = t.telemetry.buffer ?? null;
  const sched = t.telemetry.schedule ?? null;
  return {
    bufCapacity: buf?.capacity ?? 0,
    bufDropOldest: buf?.dropOldest ?? true,
    flushGapUs: buf ? 1e6 / buf.flushPerSec : 0,
    alignOffsetsUs: Float64Array.from(sched?.offsetsUs ?? []),
    alignSplayUs: sched?.splayUs ?? 0,
    clockDrift: (t.clock?.driftPpm ?? 0) * 1e-6,
    clockSinceSyncUs: t.clock?.sinceSyncUs ?? 0,
  };
}

/** Device types in a stable order (the order fleet groups first name them). */
export function typeOrder(s: ResolvedScenario): string[] {
  const names: string[] = [];
  for (const g of s.fleet) if (!names.includes(g.device)) names.push(g.device);
  return names;
}

/** Firmware versions as small integers: group versions first, then the rollout's. */
export function versionTable(s: ResolvedScenario): string[] {
  const versions: string[] = [];
  const add = (v: string): void => {
    if (!versions.includes(v)) versions.push(v);
  };
  for (const g of s.fleet) add(g.firmware ?? (s.deviceTypes[g.device] as DeviceType).firmware);
  if (s.rollout) add(s.rollout.firmware.version);
  return versions;
}
