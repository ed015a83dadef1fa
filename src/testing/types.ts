// Options and result of `simulateDevice` (fleetstorm/testing).
import type { Duration, JsonValue } from '../program/api.js';
import type { HookCall, HookName, LogEntry, PublishedMessage } from './record.js';

/** A command the operator sends the device (a scenario `operations` entry for one device). */
export interface SimulatedCommand {
  /** When, since the start (`'32m'`, `'6h'`). */
  at: string;
  name: string;
  args?: Record<string, JsonValue>;
}

export interface SimulateOptions {
  /** Virtual hours to run (default 24). */
  hours?: number;
  /** Instead of `hours`: a duration as in a scenario (`'90m'`, `'3d'`). */
  duration?: string;
  /** Seed of every random stream (default 1): the same seed gives the same result. */
  seed?: number;
  /**
   * Faults, as in a scenario's `faults:` (e.g. `{ type: 'power-loss', at: '1h', duration: '1m' }`,
   * `{ type: 'backend-outage', at: '2h', duration: '10m' }`); they hit the one device.
   */
  faults?: Record<string, unknown>[];
  /** Operator commands; the device gets a `commands` section (topic `devices/{id}/cmd`). */
  commands?: SimulatedCommand[];
  /**
   * Device type settings as in a device type file (`radio`, `battery`, `connectivity`,
   * `telemetry`, `ota`, `commands`, ...). Default: mains powered, always connected, Wi-Fi
   * without loss, firmware 1.0.0.
   */
  device?: Record<string, unknown>;
  /** A scenario `rollout:` section (the device is offered the update). */
  rollout?: Record<string, unknown>;
  /** Device type name (default `device`; the device's id is `<type>-0`). */
  type?: string;
  /** Real time one callback may run (a program given by path only: default `50ms`). */
  budget?: Duration;
}

/** A callback of the program that threw, or ran past its time budget. */
export interface ProgramFailure {
  kind: 'error' | 'runaway';
  /** The hook (`boot`, `command`, ...) or `timer` / `interval` / `message`. */
  hook: string;
  atMs: number;
  stack: string;
}

/** What the simulated device did. Times are virtual ms since the start. */
export interface SimulatedDevice<S extends object = Record<string, unknown>> {
  /** The device's id (`<type>-0`): the `{id}` of its topics. */
  id: string;
  /** Every publish of the program, in order (`sent: false`: dropped, no session). */
  published: PublishedMessage[];
  /** The program's `log` lines. */
  logs: LogEntry[];
  /** Every hook the engine called, in order. */
  hooks: HookCall[];
  /** The calls of one hook. */
  hookCalls(name: HookName): HookCall[];
  /** RAM at the end (`{}` after a power loss it did not boot from). */
  state: S;
  /** Flash at the end: key → value. */
  flash: Record<string, JsonValue>;
  /** Flash writes over the run, and per key (wear). */
  flashWrites: number;
  flashWear(key: string): number;
  /** Firmware running at the end. */
  firmware: string;
  /** Exceptions and runaways of the program (the run went on). */
  errors: ProgramFailure[];
  /** The run's counters (`mqtt_publish_total`, `program_callbacks_total`, ...). */
  counters: Record<string, number>;
  /** Engine events processed. */
  events: number;
}
