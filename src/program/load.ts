// Device programs of a run: bundled once in the main thread (bundle.ts), imported once per thread
// that runs shards (a worker, or the live process), and bound to the device types by index. A
// .wasm program is read and compiled once per thread instead (wasm-load.ts).
import { pathToFileURL } from 'node:url';
import { typeOrder, type TypeParams } from '../device/params.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { DefinedDevice } from './api.js';
import { bundleProgram, importProgram } from './bundle.js';
import { compileSensors, type SensorTable } from './sensors.js';
import { isWasmProgram, loadWasmProgram } from './wasm-load.js';
import { ToolError } from '../errors/tool-error.js';

export interface LoadedProgram {
  def: DefinedDevice<object>;
  sensors: SensorTable;
  budgetMs: number;
  /** The user's file (named in stacks instead of the bundle). */
  source: string;
  /** The bundled module, as a path and as a URL (either may appear in a stack). */
  modulePath: string;
  moduleUrl: string;
}

/** Before a run: every device type's program bundles and loads (else a ToolError, exit 2). */
export function checkPrograms(s: ResolvedScenario): void {
  for (const name of typeOrder(s)) if (s.deviceTypes[name]?.program) loadOne(s, name);
}

function loadOne(s: ResolvedScenario, name: string): LoadedProgram {
  const t = s.deviceTypes[name];
  const where = `device type ${name}.program`;
  const path = t?.program?.path ?? '';
  // a .wasm module runs as it is (wasm-load.ts); JS and TS are bundled and instrumented
  const wasm = isWasmProgram(path);
  const modulePath = wasm ? path : bundleProgram(path, where);
  const def = wasm
    ? loadWasmProgram(path, where, t?.telemetry.template ?? null)
    : importProgram(modulePath, where);
  let sensors: SensorTable;
  try {
    sensors = compileSensors(def.sensors, where);
  } catch (err) {
    throw new ToolError('FLEETSTORM_ERR_PROGRAM', 'device program sensors are invalid', {
      where,
      got: err instanceof Error ? err.message : String(err),
      fix: 'each sensor is one payload generator, e.g. { temperature: { normal: { mean: 21, stddev: 0.5 } } }',
    });
  }
  return {
    def,
    sensors,
    budgetMs: t?.program?.budgetMs ?? 50,
    source: t?.program?.path ?? modulePath,
    modulePath,
    moduleUrl: pathToFileURL(modulePath).href,
  };
}

/**
 * A thread's programs by device-type index (null: no program). Types whose program says
 * `telemetry: false` lose their built-in telemetry.
 */
export function loadPrograms(s: ResolvedScenario, types: TypeParams[]): (LoadedProgram | null)[] {
  const names = typeOrder(s);
  const out: (LoadedProgram | null)[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (!s.deviceTypes[name]?.program) {
      out.push(null);
      continue;
    }
    const p = loadOne(s, name);
    const tp = types[i];
    if (tp) tp.builtinTelemetry = p.def.telemetry !== false;
    out.push(p);
  }
  return out;
}
