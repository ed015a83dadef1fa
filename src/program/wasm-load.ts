// A device type's `program: ./x.wasm`: the module's bytes are read and compiled once per thread
// and run by the WebAssembly host (wasm-host.ts), with no bundle. Its sensor stubs (`hal_sensor`)
// are the numeric generators at the top of the device type's `telemetry.payload` template. A file
// that is not a module, or does not follow the host's conventions, is the user's mistake, said
// before the run starts.
import { readFileSync } from 'node:fs';
import { ToolError } from '../errors/tool-error.js';
import { isGenerator } from '../payload/generators.js';
import type { PayloadTemplate } from '../payload/compile.js';
import type { JsonValue, DefinedDevice } from './api.js';
import { compileSensors } from './sensors.js';
import { wasmDevice } from './wasm-host.js';

/** The `hal` imports the host provides (wasm-host.ts). */
const HAL = new Set([
  'hal_publish',
  'hal_sleep',
  'hal_sensor',
  'hal_flash_read',
  'hal_flash_write',
  'hal_now',
  'hal_log',
  'hal_random',
  'hal_device_id',
  'hal_connected',
]);

interface Descriptor {
  module?: string;
  name: string;
  kind: string;
}
interface WasmStatics {
  Module: (new (bytes: Uint8Array) => object) & {
    imports(m: object): Descriptor[];
    exports(m: object): Descriptor[];
  };
}
const WA = (globalThis as unknown as { WebAssembly: WasmStatics }).WebAssembly;

export function isWasmProgram(path: string): boolean {
  return path.toLowerCase().endsWith('.wasm');
}

const FIX =
  'give a WebAssembly module that exports `memory` and imports only hal_* functions from "hal" (docs/device-programs.md)';

function fail(where: string, path: string, what: string, got: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_PROGRAM', what, { where, got: `${path}: ${got}`, fix: FIX });
}

/** What is wrong with a compiled module under the host's conventions; null: nothing. */
function conventionProblem(module: object): string | null {
  const exports = WA.Module.exports(module);
  if (!exports.some((e) => e.name === 'memory' && e.kind === 'memory')) return 'no exported `memory`';
  for (const i of WA.Module.imports(module))
    if (i.module !== 'hal' || !HAL.has(i.name) || i.kind !== 'function')
      return `imports ${i.kind} "${i.module ?? ''}"."${i.name}", which the host does not provide`;
  const names = new Set(exports.map((e) => e.name));
  for (const needs of ['command', 'message'])
    if (names.has(needs) && !names.has('alloc')) return `exports \`${needs}\` but no \`alloc\``;
  return null;
}

/** The numeric generators at the top of a `json:` / `cbor:` telemetry payload, as sensor stubs. */
export function sensorsFromTemplate(
  t: PayloadTemplate | null,
): Record<string, Record<string, JsonValue>> | undefined {
  const body = t && ('json' in t ? t.json : 'cbor' in t ? t.cbor : null);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const out: Record<string, Record<string, JsonValue>> = {};
  for (const [name, v] of Object.entries(body as Record<string, unknown>)) {
    if (!isGenerator(v)) continue;
    const one = { [name]: v as Record<string, JsonValue> };
    try {
      compileSensors(one, 'telemetry.payload');
      out[name] = one[name] as Record<string, JsonValue>;
    } catch {
      // not a number (a pick, a text): not a sensor
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Reads, compiles and checks the module at `path` (absolute); the definition to run it. */
export function loadWasmProgram(
  path: string,
  where: string,
  template: PayloadTemplate | null,
): DefinedDevice<object> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw fail(
      where,
      path,
      'device program file cannot be read',
      err instanceof Error ? err.message : String(err),
    );
  }
  let module: object;
  try {
    module = new WA.Module(bytes);
  } catch (err) {
    const got = err instanceof Error ? err.message : String(err);
    throw fail(where, path, 'device program is not a valid WebAssembly module', got);
  }
  const problem = conventionProblem(module);
  if (problem !== null)
    throw fail(where, path, 'device program does not follow the WebAssembly host conventions', problem);
  const sensors = sensorsFromTemplate(template);
  return wasmDevice(bytes, sensors ? { sensors } : {}) as unknown as DefinedDevice<object>;
}
