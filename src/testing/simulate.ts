// `simulateDevice`: unit tests of a device program. One device of a one-device scenario runs on
// fleetstorm's engine in virtual time (the built-in state machine, the modelled backend, faults,
// the program runtime), in the test's own thread; what it published, logged, kept in flash and in
// RAM, and every hook the engine called come back for assertions.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { resolveScenarioObject } from '../scenario/index.js';
import type { DeviceProgram, JsonValue } from '../program/api.js';
import { recordingProgram, type HookCall, type HookName, type Recording } from './record.js';
import { runInThread } from './in-thread.js';
import type { SimulateOptions, SimulatedDevice, ProgramFailure } from './types.js';

const REGISTRY = Symbol.for('fleetstorm.testing.programs');
type Factory = (imported?: unknown) => unknown;

function registry(): Map<string, Factory> {
  const g = globalThis as unknown as Record<symbol, Map<string, Factory> | undefined>;
  return (g[REGISTRY] ??= new Map());
}

/**
 * The module the runtime bundles and loads as the device's program: it takes the recording
 * program from this thread's registry (the runtime loads programs in the thread that runs the
 * shard, here the caller's), importing the user's file first when given a path.
 */
function entryModule(key: string, programPath: string | null): string {
  const get = `globalThis[Symbol.for('fleetstorm.testing.programs')].get(${JSON.stringify(key)})`;
  return programPath === null
    ? `export default ${get}();\n`
    : `import * as m from ${JSON.stringify(programPath)};\nexport default ${get}(m.default ?? m.device);\n`;
}

function deviceTypeOf(o: SimulateOptions, entry: string): Record<string, unknown> {
  return {
    name: o.type ?? 'device',
    firmware: '1.0.0',
    radio: { profile: 'wifi', loss: '0%' },
    battery: { capacity: 'mains' },
    connectivity: { mode: 'persistent' },
    ...((o.commands ?? []).length > 0
      ? { commands: { topic: 'devices/{id}/cmd', 'reply-topic': 'devices/{id}/cmd/reply' } }
      : {}),
    ...o.device,
    program: entry,
    ...(o.budget === undefined ? {} : { 'program-budget': o.budget }),
  };
}

function scenarioOf(o: SimulateOptions, entry: string): Record<string, unknown> {
  return {
    name: 'simulate-device',
    seed: o.seed ?? 1,
    mode: 'virtual',
    duration: o.duration ?? `${o.hours ?? 24}h`,
    fleet: [{ device: deviceTypeOf(o, entry), count: 1 }],
    'power-on': { spread: '0s' },
    faults: o.faults ?? [],
    operations: (o.commands ?? []).map((c, i) => ({
      at: c.at,
      name: `command-${i}`,
      command: { name: c.name, args: c.args ?? {} },
    })),
    ...(o.rollout === undefined ? {} : { rollout: o.rollout }),
  };
}

function failuresOf(
  outcomes: readonly {
    outcome: string;
    operation?: string | null;
    stack?: string | null;
    trail?: { atUs: number }[];
  }[],
  entry: string,
  programPath: string | null,
): ProgramFailure[] {
  // the run names the bundle after its entry: a program given by path is named by its own file
  const named = (stack: string): string =>
    programPath === null ? stack : stack.split(entry).join(programPath);
  return outcomes
    .filter((x) => x.outcome === 'program-error' || x.outcome === 'program-runaway')
    .map((x) => ({
      kind: x.outcome === 'program-runaway' ? 'runaway' : 'error',
      hook: x.operation ?? '?',
      atMs: (x.trail?.at(-1)?.atUs ?? 0) / 1000,
      stack: named(x.stack ?? ''),
    }));
}

/**
 * Runs one device with `program` (a `defineDevice(...)` object, or the path of its module) for
 * `hours` of virtual time on the engine, and returns what it did. Same seed, same result.
 */
export async function simulateDevice<S extends object = Record<string, unknown>>(
  program: DeviceProgram<S> | string,
  options: SimulateOptions = {},
): Promise<SimulatedDevice<S>> {
  const key = randomUUID();
  const rec: Recording = { published: [], logs: [], hooks: [], device: null };
  const programPath = typeof program === 'string' ? (isAbsolute(program) ? program : resolve(program)) : null;
  registry().set(key, (imported) =>
    recordingProgram((programPath === null ? program : imported) as DeviceProgram<object>, rec),
  );
  const dir = join(tmpdir(), 'fleetstorm-simulate');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `${key}.mjs`);
  writeFileSync(entry, entryModule(key, programPath));
  try {
    const s = await resolveScenarioObject(scenarioOf(options, entry), 'simulateDevice', { env: {} });
    const run = runInThread(s);
    const dev = rec.device;
    const flash: Record<string, JsonValue> = {};
    for (const k of dev?.flash.keys() ?? []) flash[k] = dev?.flash.get(k) as JsonValue;
    const counters = run.agg.build().metrics.counters;
    return {
      id: dev?.id ?? `${options.type ?? 'device'}-0`,
      published: rec.published,
      logs: rec.logs,
      hooks: rec.hooks,
      hookCalls: (name: HookName): HookCall[] => rec.hooks.filter((h) => h.hook === name),
      state: (dev?.state ?? {}) as S,
      flash,
      flashWrites: dev?.flash.writes ?? 0,
      flashWear: (k: string) => dev?.flash.wearOf(k) ?? 0,
      firmware: dev?.firmware ?? '1.0.0',
      errors: failuresOf(run.outcomes, entry, programPath),
      counters,
      events: run.events,
    };
  } finally {
    registry().delete(key);
    rmSync(entry, { force: true });
  }
}
