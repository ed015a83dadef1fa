// Payload value generators, compiled once from a template leaf into a closure. Each draws only
// from the device's own payload stream (src/random), so the same seed gives the same bytes
// whatever the fleet size, worker count or publish timing of other devices.
import { ToolError } from '../errors/tool-error.js';
import { nextFloat } from '../random/rng.js';

/** What one render of a payload knows about the device and the publish. */
export interface PayloadContext {
  /** The device's slot in `rng` and the walk table (its place in this process). */
  slot: number;
  /** Per-device payload random streams (one u32 state each). */
  rng: Uint32Array;
  /** Per-device random-walk values: `slot * walks + k`. */
  walk: Float64Array;
  walks: number;
  /** The device's facts. */
  id: string;
  index: number;
  type: string;
  firmware: string;
  batteryPct: number;
  /** The device's publish sequence on this stream (1 for its first publish). */
  seq: number;
  /** Virtual time since the run's start (µs): drives sine and timestamps. */
  tUs: number;
  /** Wall-clock epoch of the run's start (ms): the base of timestamps. */
  epochMs: number;
  /** The intended send time (real µs on the run's monotonic clock), for end-to-end latency. */
  sentAtUs: number;
}

/** A compiled value: a JSON literal (number, quoted string) or raw text. */
export type Emit = (c: PayloadContext) => string;

export const GENERATORS = [
  'uniform',
  'normal',
  'walk',
  'sine',
  'counter',
  'pick',
  'timestamp',
  'device',
  'fleetstorm',
] as const;
export const TIMESTAMP_FORMATS = ['iso', 'epoch-ms', 'epoch-s'] as const;
export const DEVICE_FACTS = ['id', 'index', 'type', 'firmware', 'battery'] as const;
export const MARKERS = ['sent-at', 'seq'] as const;
export type Marker = (typeof MARKERS)[number];

type Obj = Record<string, unknown>;

export function generatorError(where: string, what: string, got: unknown, fix: string): ToolError {
  const shown = JSON.stringify(got) ?? String(got);
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', what, {
    where,
    got: shown.length > 80 ? `${shown.slice(0, 77)}...` : shown,
    fix,
  });
}

function num(o: Obj, key: string, where: string, dflt?: number): number {
  const v = o[key];
  if (v === undefined && dflt !== undefined) return dflt; // a default may be unbounded (walk's min, max)
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw generatorError(`${where}.${key}`, `expected a number for ${key}`, o[key], `e.g. ${key}: 10`);
  return v;
}

function round(decimals: number): (v: number) => number {
  const scale = 10 ** decimals;
  return (v) => Math.round(v * scale) / scale;
}

/** True when `v` is a one-key object naming a generator. */
export function isGenerator(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (GENERATORS as readonly string[]).includes(keys[0] as string);
}

/**
 * A generator's value per publish, typed so each payload format writes it its own way: a number,
 * a text, or the index of a `pick` item (the items are encoded once per format).
 */
export type Drawn =
  | { kind: 'number'; draw: (c: PayloadContext) => number }
  | { kind: 'text'; draw: (c: PayloadContext) => string }
  | { kind: 'pick'; items: readonly unknown[]; draw: (c: PayloadContext) => number };

/** Compiles `{ uniform: {...} }` and its siblings; `json` quotes strings. Records walks and markers. */
export function compileGenerator(
  g: Obj,
  where: string,
  json: boolean,
  state: { walks: number; markers: Marker[] },
): Emit {
  const d = drawGenerator(g, where, state);
  switch (d.kind) {
    case 'number': {
      const draw = d.draw;
      return (c) => String(draw(c));
    }
    case 'text': {
      const draw = d.draw;
      return json ? (c) => JSON.stringify(draw(c)) : draw;
    }
    case 'pick': {
      const items = d.items.map((v) => (typeof v === 'string' && !json ? v : JSON.stringify(v)));
      const draw = d.draw;
      return (c) => items[draw(c)] as string;
    }
  }
}

/** The typed value of one generator leaf; records walks and markers in `state`. */
export function drawGenerator(g: Obj, where: string, state: { walks: number; markers: Marker[] }): Drawn {
  const name = Object.keys(g)[0] as (typeof GENERATORS)[number];
  const arg = g[name];
  const at = `${where}.${name}`;
  const o = (typeof arg === 'object' && arg !== null && !Array.isArray(arg) ? arg : {}) as Obj;
  const number = (draw: (c: PayloadContext) => number): Drawn => ({ kind: 'number', draw });
  switch (name) {
    case 'uniform': {
      const min = num(o, 'min', at);
      const span = num(o, 'max', at) - min;
      const f = round(num(o, 'decimals', at, 2));
      return number((c) => f(min + span * nextFloat(c.rng, c.slot)));
    }
    case 'normal': {
      const mean = num(o, 'mean', at);
      const sd = num(o, 'stddev', at);
      const f = round(num(o, 'decimals', at, 2));
      return number((c) => f(mean + sd * gaussian(c.rng, c.slot)));
    }
    case 'walk': {
      const k = state.walks++;
      const start = num(o, 'start', at, 0);
      const step = num(o, 'step', at, 1);
      const lo = num(o, 'min', at, -Infinity);
      const hi = num(o, 'max', at, Infinity);
      const f = round(num(o, 'decimals', at, 2));
      return number((c) => {
        const i = c.slot * c.walks + k;
        const prev = c.seq <= 1 ? start : (c.walk[i] as number);
        const v = Math.min(hi, Math.max(lo, prev + step * (2 * nextFloat(c.rng, c.slot) - 1)));
        c.walk[i] = v;
        return f(v);
      });
    }
    case 'sine': {
      const min = num(o, 'min', at, -1);
      const amp = (num(o, 'max', at, 1) - min) / 2;
      const periodUs = num(o, 'period-s', at) * 1e6;
      const phase = num(o, 'phase', at, 0);
      const f = round(num(o, 'decimals', at, 2));
      if (periodUs <= 0)
        throw generatorError(
          `${at}.period-s`,
          'the period must be positive',
          periodUs / 1e6,
          'e.g. period-s: 3600',
        );
      return number((c) => f(min + amp * (1 + Math.sin(2 * Math.PI * (c.tUs / periodUs + phase)))));
    }
    case 'counter': {
      const start = num(o, 'start', at, 0);
      const step = num(o, 'step', at, 1);
      return number((c) => start + step * (c.seq - 1));
    }
    case 'pick': {
      if (!Array.isArray(arg) || arg.length === 0)
        throw generatorError(at, 'pick takes a non-empty list', arg, 'e.g. pick: [ok, warn, fault]');
      const n = arg.length;
      return { kind: 'pick', items: arg, draw: (c) => Math.floor(nextFloat(c.rng, c.slot) * n) };
    }
    case 'timestamp':
      return timestamp(arg, at);
    case 'device':
      return deviceFact(arg, at);
    case 'fleetstorm': {
      if (!(MARKERS as readonly unknown[]).includes(arg))
        throw generatorError(at, 'unknown fleetstorm field', arg, `use one of ${MARKERS.join(', ')}`);
      state.markers.push(arg as Marker);
      return number(arg === 'seq' ? (c) => c.seq : (c) => Math.round(c.sentAtUs));
    }
  }
}

function timestamp(arg: unknown, at: string): Drawn {
  const nowMs = (c: PayloadContext): number => c.epochMs + Math.floor(c.tUs / 1000);
  if (arg === 'iso') return { kind: 'text', draw: (c) => new Date(nowMs(c)).toISOString() };
  if (arg === 'epoch-ms') return { kind: 'number', draw: nowMs };
  if (arg === 'epoch-s') return { kind: 'number', draw: (c) => Math.floor(nowMs(c) / 1000) };
  throw generatorError(at, 'unknown timestamp format', arg, `use one of ${TIMESTAMP_FORMATS.join(', ')}`);
}

function deviceFact(arg: unknown, at: string): Drawn {
  switch (arg) {
    case 'id':
      return { kind: 'text', draw: (c) => c.id };
    case 'type':
      return { kind: 'text', draw: (c) => c.type };
    case 'firmware':
      return { kind: 'text', draw: (c) => c.firmware };
    case 'index':
      return { kind: 'number', draw: (c) => c.index };
    case 'battery':
      return { kind: 'number', draw: (c) => Math.round(c.batteryPct * 10) / 10 };
    default:
      throw generatorError(at, 'unknown device fact', arg, `use one of ${DEVICE_FACTS.join(', ')}`);
  }
}

/** A standard normal draw (Box-Muller on two uniform draws of the device's stream). */
function gaussian(rng: Uint32Array, slot: number): number {
  const u = 1 - nextFloat(rng, slot); // (0, 1]: log is finite
  const v = nextFloat(rng, slot);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
