// What `simulateDevice` observes: the user's program wrapped so that every hook call, publish and
// log line of the simulated device is written down, with the virtual time it happened at. The
// wrapper hands the user's hooks a view of the runtime's own device object (src/program/device.ts)
// that records and then delegates: state, flash, timers and effects stay the engine's.
import {
  defineDevice,
  type DefinedDevice,
  type Device,
  type DeviceProgram,
  type LogLevel,
  type Payload,
  type PublishOptions,
} from '../program/api.js';

/** One publish of the simulated device. */
export interface PublishedMessage {
  /** Virtual ms since the start of the simulation. */
  atMs: number;
  topic: string;
  /** The payload as the program passed it. */
  payload: Payload;
  /** The payload's bytes as sent (a JSON value as its JSON text). */
  bytes: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
  /** Whether the device had a session: without one the publish was dropped (counted). */
  sent: boolean;
  /** The payload as UTF-8 text. */
  text(): string;
  /** The payload parsed as JSON. */
  json(): unknown;
}

export interface LogEntry {
  atMs: number;
  level: LogLevel;
  message: string;
}

export type HookName = Exclude<keyof DeviceProgram, 'telemetry' | 'sensors'>;

/** One call of a hook by the engine (timer callbacks are not hooks). */
export interface HookCall {
  atMs: number;
  hook: HookName;
  /** The hook's arguments after the device (e.g. the command's name and args). */
  args: unknown[];
  /** What the hook returned (`false` declines the built-in effect). */
  returned: unknown;
}

export interface Recording {
  published: PublishedMessage[];
  logs: LogEntry[];
  hooks: HookCall[];
  /** The runtime's device object, once the device has booted. */
  device: Device<object> | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBytes(payload: Payload): Uint8Array {
  if (typeof payload === 'string') return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload.slice();
  return encoder.encode(JSON.stringify(payload));
}

function message(
  dev: Device<object>,
  topic: string,
  payload: Payload,
  opts: PublishOptions | undefined,
): PublishedMessage {
  const bytes = toBytes(payload);
  return {
    atMs: dev.now(),
    topic,
    payload,
    bytes,
    qos: opts?.qos === 1 ? 1 : 0,
    retain: opts?.retain === true,
    sent: dev.connected,
    text: () => decoder.decode(bytes),
    json: () => JSON.parse(decoder.decode(bytes)) as unknown,
  };
}

/** A view of `dev` that records publishes and logs, then lets the engine's object do the work. */
function recordingView(dev: Device<object>, rec: Recording): Device<object> {
  const publish = (topic: string, payload: Payload, opts?: PublishOptions): void => {
    const m = message(dev, topic, payload, opts);
    dev.publish(topic, payload, opts);
    rec.published.push(m);
  };
  const log = (level: LogLevel, msg: string): void => {
    rec.logs.push({ atMs: dev.now(), level, message: String(msg) });
    dev.log(level, msg);
  };
  return new Proxy(dev, {
    get(target, key) {
      if (key === 'publish') return publish;
      if (key === 'log') return log;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    set: (target, key, value) => Reflect.set(target, key, value, target),
  });
}

const HOOKS: readonly HookName[] = [
  'boot',
  'connected',
  'disconnected',
  'message',
  'command',
  'otaOffered',
  'beforeInstall',
  'afterCommit',
  'powerLoss',
];

/** `program` with every hook recorded into `rec`; settings (`telemetry`, `sensors`, `state`) kept. */
export function recordingProgram<S extends object>(
  program: DeviceProgram<S>,
  rec: Recording,
): DefinedDevice<object> {
  const views = new WeakMap<object, Device<object>>();
  const viewOf = (dev: Device<object>): Device<object> => {
    let v = views.get(dev);
    if (!v) {
      v = recordingView(dev, rec);
      views.set(dev, v);
      rec.device = dev;
    }
    return v;
  };
  const wrapped: DeviceProgram<object> = {
    ...(program.telemetry === undefined ? {} : { telemetry: program.telemetry }),
    ...(program.sensors === undefined ? {} : { sensors: program.sensors }),
    ...(program.state === undefined ? {} : { state: program.state }),
  };
  const target = wrapped as Record<string, unknown>;
  for (const name of HOOKS) {
    const fn = (program as Record<string, unknown>)[name];
    if (typeof fn !== 'function') continue;
    target[name] = (dev: Device<object>, ...args: unknown[]): unknown => {
      const call: HookCall = { atMs: dev.now(), hook: name, args, returned: undefined };
      rec.hooks.push(call);
      call.returned = (fn as (...a: unknown[]) => unknown).call(program, viewOf(dev), ...args);
      return call.returned;
    };
  }
  // the boot hook also marks the device, so a program without one is still observed
  if (typeof target.boot !== 'function') {
    target.boot = (dev: Device<object>): void => {
      viewOf(dev);
      rec.hooks.push({ atMs: dev.now(), hook: 'boot', args: [], returned: undefined });
    };
  }
  return defineDevice(wrapped);
}
