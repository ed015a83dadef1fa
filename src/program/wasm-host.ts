// The WebAssembly host: device logic written in C, Rust, Zig or WAT and compiled to WASM runs as
// a device program. `wasmDevice(bytes)` turns a module into a defineDevice(...) definition, so
// the runtime, its time budget, faults, metrics and the test harness treat it like any other
// program. One instance per device and boot: its linear memory is the device's RAM (lost on
// reboot and power loss); `hal_flash_*` is the flash.
//
// Conventions (the guest's side; all strings UTF-8, all pointers offsets into `memory`):
//   imports, module "hal" (declare only those used):
//     hal_publish(topic_ptr i32, topic_len i32, payload_ptr i32, payload_len i32, qos i32)
//     hal_sleep(ms f64)              `wake` runs after ms of virtual time (replaces a pending one)
//     hal_sensor(name_ptr i32, name_len i32) -> f64     the program's `sensors` stub `name`
//     hal_flash_read(key_ptr, key_len, buf_ptr, buf_cap: i32) -> i32
//                                    the value's length (copies min(length, buf_cap) bytes), -1: none
//     hal_flash_write(key_ptr, key_len, buf_ptr, buf_len: i32)     one flash write
//     hal_now() -> f64               virtual ms since the run's start
//     hal_log(level i32 0..3 = debug|info|warn|error, ptr i32, len i32)
//     hal_random() -> f64            the device's seeded stream, [0, 1)
//     hal_device_id(buf_ptr i32, buf_cap i32) -> i32    the id's length (copies what fits)
//     hal_connected() -> i32         1 with a session, else 0
//   exports: `memory` (required); optional `boot()`, `wake()`, `connected()`,
//     `disconnected(reason i32)` (index in DISCONNECT_REASONS), `power_loss()`,
//     `command(name_ptr, name_len, args_ptr, args_len: i32) -> i32` (args as JSON; 1 declines
//     the built-in effect), `message(topic_ptr, topic_len, payload_ptr, payload_len: i32)`, and
//     `alloc(len i32) -> i32`, which `command` and `message` need: the host copies their
//     arguments into memory `alloc` returned (the guest may reuse it after the call).
// A trap (unreachable, out-of-bounds access) is an exception of the program: counted, the device
// goes on. The time budget cannot interrupt WASM code (no instrumentation inside the module).
import { Buffer } from 'node:buffer';
import {
  defineDevice,
  type DefinedDevice,
  type Device,
  type DisconnectReason,
  type JsonValue,
  type LogLevel,
} from './api.js';

export const DISCONNECT_REASONS: readonly DisconnectReason[] = [
  'clean',
  'keepalive',
  'radio-drop',
  'outage',
  'power-loss',
  'server',
  'network',
];
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

// The WebAssembly JS API as used here (TypeScript declares it only with the DOM library).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type WasmModule = object;
type HalImports = Record<string, (...args: number[]) => number | void>;
interface WasmApi {
  Module: new (bytes: Uint8Array | ArrayBuffer) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, HalImports>,
  ) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WasmExports {
  memory: WasmMemory;
  boot?: () => void;
  wake?: () => void;
  connected?: () => void;
  disconnected?: (reason: number) => void;
  power_loss?: () => void;
  command?: (namePtr: number, nameLen: number, argsPtr: number, argsLen: number) => number;
  message?: (topicPtr: number, topicLen: number, payloadPtr: number, payloadLen: number) => void;
  alloc?: (len: number) => number;
}

/** RAM of a WASM device: its instance and its pending wake. */
export interface WasmState {
  instance: WasmExports | null;
  wakeTimer: ReturnType<typeof setTimeout> | null;
}

export interface WasmDeviceOptions {
  /** Stubbed sensors `hal_sensor` reads (the generators of the program API's `sensors`). */
  sensors?: Record<string, Record<string, JsonValue>>;
  /** Built-in telemetry of the device type (default false: the guest's publishes are its traffic). */
  telemetry?: boolean;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function bytesAt(x: WasmExports, ptr: number, len: number): Uint8Array {
  return new Uint8Array(x.memory.buffer, ptr, len);
}

function textAt(x: WasmExports, ptr: number, len: number): string {
  return decoder.decode(bytesAt(x, ptr, len));
}

/** Copies `data` into guest memory obtained from its `alloc`; null when it exports none. */
function copyIn(x: WasmExports, data: Uint8Array): number | null {
  if (!x.alloc) return null;
  const ptr = x.alloc(data.length);
  bytesAt(x, ptr, data.length).set(data);
  return ptr;
}

function copyOut(x: WasmExports, data: Uint8Array, ptr: number, cap: number): number {
  bytesAt(x, ptr, Math.min(cap, data.length)).set(data.subarray(0, Math.max(0, cap)));
  return data.length;
}

function scheduleWake(dev: Device<WasmState>, ms: number): void {
  const s = dev.state;
  // Inside a hook the timer globals are the shard's virtual clock (src/clock/virtual-globals.ts):
  // the host's timers are the program's, like those of a program written in TypeScript.
  if (s.wakeTimer !== null) clearTimeout(s.wakeTimer);
  // eslint-disable-next-line no-restricted-globals
  s.wakeTimer = setTimeout(
    () => {
      s.wakeTimer = null;
      s.instance?.wake?.();
    },
    Math.max(0, ms),
  );
}

function halImports(dev: Device<WasmState>): HalImports {
  const x = (): WasmExports => {
    const i = dev.state.instance;
    if (!i) throw new Error('hal call before the module was instantiated');
    return i;
  };
  return {
    hal_publish: (tp: number, tl: number, pp: number, pl: number, qos: number) =>
      dev.publish(textAt(x(), tp, tl), bytesAt(x(), pp, pl).slice(), { qos: qos === 1 ? 1 : 0 }),
    hal_sleep: (ms: number) => scheduleWake(dev, ms),
    hal_sensor: (np: number, nl: number) => dev.sensor(textAt(x(), np, nl)),
    hal_flash_read: (kp: number, kl: number, bp: number, cap: number) => {
      const v = dev.flash.get(textAt(x(), kp, kl));
      if (typeof v !== 'string') return -1;
      return copyOut(x(), Buffer.from(v, 'base64'), bp, cap);
    },
    hal_flash_write: (kp: number, kl: number, bp: number, bl: number) =>
      dev.flash.set(textAt(x(), kp, kl), Buffer.from(bytesAt(x(), bp, bl)).toString('base64')),
    hal_now: () => dev.now(),
    hal_log: (level: number, p: number, l: number) => dev.log(LOG_LEVELS[level] ?? 'info', textAt(x(), p, l)),
    hal_random: () => dev.random(),
    hal_device_id: (bp: number, cap: number) => copyOut(x(), encoder.encode(dev.id), bp, cap),
    hal_connected: () => (dev.connected ? 1 : 0),
  };
}

function instantiate(module: WasmModule, dev: Device<WasmState>): WasmExports {
  const instance = new WA.Instance(module, { hal: halImports(dev) });
  const x = instance.exports as unknown as WasmExports;
  if (!(x.memory instanceof WA.Memory))
    throw new Error('the WebAssembly device module must export its `memory`');
  return x;
}

/** Compiles `bytes` (a .wasm module) into a device program following the conventions above. */
export function wasmDevice(
  bytes: Uint8Array | ArrayBuffer,
  opts: WasmDeviceOptions = {},
): DefinedDevice<WasmState> {
  const module = new WA.Module(bytes instanceof Uint8Array ? new Uint8Array(bytes) : bytes);
  const withInstance = (dev: Device<WasmState>, f: (x: WasmExports) => void): void => {
    const x = dev.state.instance;
    if (x) f(x);
  };
  return defineDevice<WasmState>({
    telemetry: opts.telemetry ?? false,
    ...(opts.sensors ? { sensors: opts.sensors } : {}),
    state: () => ({ instance: null, wakeTimer: null }),
    boot(dev) {
      dev.state.instance = instantiate(module, dev);
      dev.state.instance.boot?.();
    },
    connected: (dev) => withInstance(dev, (x) => x.connected?.()),
    disconnected: (dev, reason) =>
      withInstance(dev, (x) => x.disconnected?.(DISCONNECT_REASONS.indexOf(reason))),
    powerLoss: (dev) => withInstance(dev, (x) => x.power_loss?.()),
    command(dev, name, args) {
      const x = dev.state.instance;
      if (!x?.command) return;
      const n = encoder.encode(name);
      const a = encoder.encode(JSON.stringify(args));
      const np = copyIn(x, n);
      if (np === null) throw new Error('the module exports `command` but no `alloc` to pass its arguments');
      const ap = copyIn(x, a) as number;
      return x.command(np, n.length, ap, a.length) === 1 ? false : undefined;
    },
    message(dev, topic, payload) {
      const x = dev.state.instance;
      if (!x?.message) return;
      const t = encoder.encode(topic);
      const tp = copyIn(x, t);
      if (tp === null) throw new Error('the module exports `message` but no `alloc` to pass its arguments');
      const pp = copyIn(x, payload) as number;
      x.message(tp, t.length, pp, payload.length);
    },
  });
}
