// The public API of device programs: what a user's `program:` module imports
// (`import { defineDevice } from 'fleetstorm/program'`). Types and one identity function only:
// the runtime (src/program/runtime*.ts) supplies the device object and calls the hooks.
//
// Time inside a program is virtual: while a hook or timer callback runs, the globals
// `setTimeout`, `setInterval`, `clearTimeout`, `clearInterval`, `Date.now()` and
// `performance.now()` are the device's shard clock, so ordinary code fast-forwards with the run.

/** A JSON value: what `flash` stores and what command arguments are made of. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What `publish` sends: a string (UTF-8), raw bytes, or any other JSON value (sent as its
 * `JSON.stringify` text).
 */
export type Payload = string | Uint8Array | JsonValue;

/** Options of one publish. */
export interface PublishOptions {
  /** MQTT QoS: 0 (default) fire and forget, 1 acknowledged (the ack is timed like telemetry's). */
  qos?: 0 | 1;
  /** MQTT retain flag (default false). */
  retain?: boolean;
}

/** Levels of `log`: entries go to the device's outcome trail (`warn` and `error` also count). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A duration: milliseconds as a number, or a string with a unit like the scenario's
 * (`'500ms'`, `'30s'`, `'15m'`, `'2h'`, `'1d'`).
 */
export type Duration = number | string;

/**
 * Persistent key-value storage of the device (its flash). Survives reboots and power loss;
 * only a re-flash (none in a run) would clear it. Each `set`/`delete` is one write: writes are
 * counted per key (wear) and per device, and reported (`program_flash_writes_total`).
 */
export interface Flash {
  /** The value stored under `key`, or `undefined`. Reads are free. */
  get<T extends JsonValue = JsonValue>(key: string): T | undefined;
  /** Stores a JSON value (copied) under `key`: one write. */
  set(key: string, value: JsonValue): void;
  /** Removes `key`: one write if it existed. */
  delete(key: string): void;
  /** Whether `key` holds a value. */
  has(key: string): boolean;
  /** The stored keys, in insertion order. */
  keys(): string[];
  /** Writes this device made to its flash over the whole run. */
  readonly writes: number;
  /** Writes this device made to `key` (the wear of that block). */
  wearOf(key: string): number;
}

/** The device's battery, as the built-in power model sees it at the current virtual time. */
export interface Battery {
  /** Charge left in percent (0..100); 100 for a mains-powered device. */
  readonly percent: number;
  /** Charge left in mAh (Infinity for a mains-powered device). */
  readonly remainingMah: number;
  /** Whether the device type is mains powered (`power: mains`). */
  readonly mainsPowered: boolean;
}

/** An update the OTA agent was offered (argument of `otaOffered` and `beforeInstall`). */
export interface OtaOffer {
  /** Firmware version the device runs now. */
  readonly fromVersion: string;
  /** Firmware version offered. */
  readonly toVersion: string;
  /** Image size in bytes. */
  readonly sizeBytes: number;
}

/**
 * The device a hook runs for: its identity, its RAM (`state`), its flash, its stubbed hardware
 * and its radio. One object per programmed device, passed as the first argument of every hook.
 * Timers set with the global `setTimeout`/`setInterval` while a hook runs belong to this device:
 * a reboot or power loss clears them (RAM is lost).
 */
export interface Device<S extends object = Record<string, unknown>> {
  /** The device's global index in the fleet (0-based). */
  readonly index: number;
  /** The device's id (its MQTT client id). */
  readonly id: string;
  /** The device type's name. */
  readonly type: string;
  /** The firmware version running now. */
  readonly firmware: string;
  /** Whether the device has a session with the backend now. */
  readonly connected: boolean;
  /**
   * RAM: per-device state, created by the program's `state()` (or `{}`) at every boot. Lost on
   * reboot and power loss; keep what must survive in `flash`.
   */
  state: S;
  /** Persistent key-value storage (survives reboot and power loss). */
  readonly flash: Flash;
  /** The battery as the built-in power model sees it. */
  readonly battery: Battery;
  /**
   * Publishes `payload` on `topic` through the device's session. Counted in the usual publish
   * metrics. Without a session (offline, asleep) the publish is dropped and counted in
   * `program_publishes_dropped_total`; buffer in `state` or `flash` if the device should keep it.
   */
  publish(topic: string, payload: Payload, opts?: PublishOptions): void;
  /**
   * Subscribes the device to an MQTT topic filter (`+` and `#` allowed): matching messages call
   * the `message` hook. Kept until reboot (re-subscribe in `connected` or `boot`).
   */
  subscribe(topicFilter: string): void;
  /**
   * Reads a stubbed sensor: the value of the generator named `name` in the program's `sensors`
   * (same generators as payload templates: `uniform`, `normal`, `walk`, `sine`, ...), drawn from
   * the device's seeded stream at the current virtual time. Throws for an unknown name.
   */
  sensor(name: string): number;
  /**
   * Reboots the device after the current callback: the session is closed cleanly, `state` and
   * timers are lost, `flash` is kept, then `boot` runs again.
   */
  reboot(): void;
  /**
   * Sleeps the radio for `duration`: the session is closed cleanly and reopened when the time is
   * up (`disconnected` then `connected` run). Timers and `state` are kept.
   */
  sleep(duration: Duration): void;
  /** Writes an entry to the device's outcome trail (and the outcomes file). */
  log(level: LogLevel, message: string): void;
  /** A uniform number in [0, 1) from the device's seeded stream: same seed, same run. */
  random(): number;
  /** Virtual time in ms since the run's start (what `performance.now()` returns in a program). */
  now(): number;
}

/** Why the device lost its session (argument of `disconnected`). */
export type DisconnectReason =
  'clean' | 'keepalive' | 'radio-drop' | 'outage' | 'power-loss' | 'server' | 'network';

/**
 * A device program: optional settings plus hooks. Every hook gets the device first. A hook or
 * timer that throws is counted (`program_errors_total`, first stacks in the report) and that
 * callback is dropped; the device and the run go on. A callback that runs longer than the
 * scenario's `program-budget` (default 50 ms of real time) is stopped and counted
 * (`program_runaways_total`); the device's program is then switched off and the built-in device
 * carries on.
 *
 * Built-ins and overrides: the built-in connectivity, power model, faults and OTA agent always
 * run. Built-in telemetry runs unless `telemetry: false`. A hook returning `false` declines what
 * the built-in would do next (`otaOffered`: decline the update; `beforeInstall`: do not install
 * now, ask again at the next check; `command`: do not apply the built-in effect of the command).
 * Any other return value (or none) lets the built-in go ahead.
 */
export interface DeviceProgram<S extends object = Record<string, unknown>> {
  /**
   * Built-in telemetry of the device type (default true). `false`: the type's telemetry streams
   * are not sent; the program's own publishes are the device's traffic.
   */
  telemetry?: boolean;
  /**
   * Stubbed sensors read by `device.sensor(name)`: a generator per name, in the payload template
   * syntax, e.g. `{ temperature: { walk: { start: 21, step: 0.1 } } }`.
   */
  sensors?: Record<string, Record<string, JsonValue>>;
  /** The initial RAM of a device, called at every boot (default: an empty object). */
  state?: () => S;
  /** The device powered on or rebooted (before it connects). */
  boot?(device: Device<S>): void;
  /** The device's session with the backend is up (after CONNACK). */
  connected?(device: Device<S>): void;
  /**
   * The device's session ended (`reason` says why). Not called for a power cut or a flat
   * battery: a device without power runs nothing (`powerLoss` runs before the power goes).
   */
  disconnected?(device: Device<S>, reason: DisconnectReason): void;
  /** A message arrived on a topic the device subscribed to. `payload` is the raw bytes. */
  message?(device: Device<S>, topic: string, payload: Uint8Array): void;
  /**
   * The device received an operator command (the scenario's `commands:`). `false`: do not apply
   * the built-in effect (reboot, telemetry-interval, ...); the device still acknowledges.
   */
  command?(device: Device<S>, name: string, args: Record<string, JsonValue>): boolean | void;
  /** An update was offered. `false`: decline it (the device stays on its firmware). */
  otaOffered?(device: Device<S>, offer: OtaOffer): boolean | void;
  /** The image is downloaded and verified. `false`: do not install now; asked again later. */
  beforeInstall?(device: Device<S>, offer: OtaOffer): boolean | void;
  /** The new firmware booted and was committed (`device.firmware` is the new version). */
  afterCommit?(device: Device<S>, version: string): void;
  /**
   * Power is being cut (power-loss fault or flat battery). Runs before RAM is lost; anything
   * not in `flash` is gone when the device boots again. Timers set here never fire.
   */
  powerLoss?(device: Device<S>): void;
}

/** Marks the object `defineDevice` returns, so the runtime can tell a program module. */
export const DEVICE_PROGRAM = Symbol.for('fleetstorm.device-program');

/** A program as returned by `defineDevice` (the module's default or `device` export). */
export type DefinedDevice<S extends object = Record<string, unknown>> = DeviceProgram<S> & {
  readonly [DEVICE_PROGRAM]: true;
};

/**
 * Declares a device program. Export the result from the module named by `program:` in a
 * device type, as the default export (or a named export `device`):
 *
 * ```ts
 * import { defineDevice } from 'fleetstorm/program';
 * export default defineDevice({
 *   telemetry: false,
 *   sensors: { temperature: { walk: { start: 21, step: 0.1 } } },
 *   state: () => ({ readings: [] as number[] }),
 *   boot(dev) {
 *     setInterval(() => dev.state.readings.push(dev.sensor('temperature')), 60_000);
 *     setInterval(() => {
 *       dev.publish(`t/${dev.id}`, { at: Date.now(), readings: dev.state.readings });
 *       dev.state.readings = [];
 *     }, 15 * 60_000);
 *   },
 * });
 * ```
 */
export function defineDevice<S extends object = Record<string, unknown>>(
  program: DeviceProgram<S>,
): DefinedDevice<S> {
  return Object.freeze({ ...program, [DEVICE_PROGRAM]: true as const });
}

/** Whether `v` is a program made by `defineDevice` (any copy of this module). */
export function isDefinedDevice(v: unknown): v is DefinedDevice<object> {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[DEVICE_PROGRAM] === true;
}
