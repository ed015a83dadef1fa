// The environment (FLEETSTORM_*) and command-line layers. Both accept the same settings through
// one table, so a flag and its variable never drift apart. Pure: the environment is passed in.
import { isIP } from 'node:net';
import type { ErrorCode } from '../errors/codes.js';
import { ToolError } from '../errors/tool-error.js';
import type { Layer } from './layers.js';
import { normalizeHostMap } from './resolve-target.js';
import { HOST_NAME_RE, HTTP_URL_RE, MQTT_URL_RE } from './schema-backend.js';
import { MODES, type Mode } from './types.js';
import { parseDurationUs } from './units.js';

/** Flags of `fleetstorm run` that overlay the scenario (already parsed by the CLI). */
export interface CliOverrides {
  devices?: number;
  seed?: number;
  mode?: Mode;
  /** As written, e.g. `15m`. */
  duration?: string;
  workers?: number;
  speed?: number | 'max';
  targetMqtt?: string[];
  targetHttp?: string;
  /** `NAME:ADDR` entries as written (`--resolve`, repeatable). */
  resolve?: string[];
  /** 0-based shard index of `count` shards. */
  shard?: { index: number; count: number };
  /** As written, e.g. `1m`. */
  interval?: string;
  /** Scale backend capacity and absolute counts with a resized fleet. */
  scaleBackend?: boolean;
  /** Refuse a scenario whose rollout, waves, faults or thresholds cannot happen in the run. */
  strict?: boolean;
}

interface Ctx {
  code: ErrorCode;
  where: string;
}

function bad(ctx: Ctx, message: string, got: unknown, fix: string): ToolError {
  return new ToolError(ctx.code, message, { where: ctx.where, got, fix });
}

function readInt(value: unknown, min: number, ctx: Ctx): number {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw bad(ctx, `expected a whole number ≥ ${min}`, value, `use e.g. ${Math.max(min, 1) * 10}`);
  }
  return n;
}

function readDuration(value: unknown, ctx: Ctx): number {
  try {
    return parseDurationUs(typeof value === 'number' ? value : String(value), ctx.where);
  } catch (e) {
    if (!(e instanceof ToolError)) throw e;
    throw bad(ctx, e.message, value, e.fix ?? 'use e.g. `15m`');
  }
}

function readMode(value: unknown, ctx: Ctx): Mode {
  const mode = MODES.find((m) => m === value);
  if (!mode) throw bad(ctx, 'unknown mode', value, `use one of: ${MODES.join(', ')}`);
  return mode;
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

function readBool(value: unknown, ctx: Ctx): boolean {
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (TRUE_WORDS.includes(v)) return true;
  if (FALSE_WORDS.includes(v)) return false;
  throw bad(ctx, 'expected true or false', value, 'use true or false (1 or 0)');
}

function readSpeed(value: unknown, ctx: Ctx): number {
  if (value === 'max') return Number.POSITIVE_INFINITY;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    throw bad(
      ctx,
      'expected a positive number or `max`',
      value,
      'use e.g. 60 (one virtual minute per second)',
    );
  }
  return n;
}

function readUrls(value: unknown, re: RegExp, example: string, ctx: Ctx): string[] {
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
  const urls = list.map((u) => (typeof u === 'string' ? u.trim() : u));
  for (const url of urls) {
    if (typeof url !== 'string' || !re.test(url))
      throw bad(ctx, 'not a valid URL', url, `use e.g. \`${example}\``);
  }
  return urls as string[];
}

/** `NAME:ADDR` (ADDR an IPv4 or IPv6 address, brackets allowed) → name → address. */
function readResolve(value: unknown, ctx: Ctx): Record<string, string> {
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
  const out: Record<string, string> = {};
  for (const item of list) {
    const text = typeof item === 'string' ? item.trim() : '';
    const at = text.indexOf(':');
    const name = text.slice(0, at);
    const address = text.slice(at + 1).replace(/^\[(.*)\]$/, '$1');
    if (at < 1 || !HOST_NAME_RE.test(name) || isIP(address) === 0)
      throw bad(
        ctx,
        'expected NAME:ADDR',
        item,
        'write a host name and an IP address, e.g. `broker.staging.example:10.0.0.7`',
      );
    Object.assign(out, normalizeHostMap({ [name]: address }));
  }
  return out;
}

function readShard(value: unknown, ctx: Ctx): { index: number; count: number } {
  const fix = 'write `i/N` with 0 ≤ i < N, e.g. `0/4`';
  let index: unknown;
  let count: unknown;
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
    if (!m) throw bad(ctx, 'not a shard', value, fix);
    [index, count] = [Number(m[1]), Number(m[2])];
  } else if (typeof value === 'object' && value !== null) {
    ({ index, count } = value as { index?: unknown; count?: unknown });
  }
  if (!Number.isInteger(index) || !Number.isInteger(count) || (count as number) < 1)
    throw bad(ctx, 'not a shard', value, fix);
  if ((index as number) < 0 || (index as number) >= (count as number)) {
    throw bad(ctx, 'shard index out of range', value, fix);
  }
  return { index: index as number, count: count as number };
}

type Reader = (value: unknown, ctx: Ctx) => Partial<Layer>;

/** Every setting the environment and the command line can override. */
export const OVERRIDE_FIELDS: readonly {
  key: keyof CliOverrides;
  env: string;
  flag: string;
  read: Reader;
}[] = [
  { key: 'seed', env: 'FLEETSTORM_SEED', flag: '--seed', read: (v, c) => ({ seed: readInt(v, 0, c) }) },
  {
    key: 'devices',
    env: 'FLEETSTORM_DEVICES',
    flag: '--devices',
    read: (v, c) => ({ fleetSize: { kind: 'total', devices: readInt(v, 1, c) } }),
  },
  {
    key: 'duration',
    env: 'FLEETSTORM_DURATION',
    flag: '--duration',
    read: (v, c) => ({ durationUs: readDuration(v, c), where: { duration: c.where } }),
  },
  {
    key: 'interval',
    env: 'FLEETSTORM_INTERVAL',
    flag: '--interval',
    read: (v, c) => ({ intervalUs: readDuration(v, c), where: { interval: c.where } }),
  },
  {
    key: 'workers',
    env: 'FLEETSTORM_WORKERS',
    flag: '--workers',
    read: (v, c) => ({ workers: readInt(v, 0, c) }),
  },
  { key: 'mode', env: 'FLEETSTORM_MODE', flag: '--mode', read: (v, c) => ({ mode: readMode(v, c) }) },
  { key: 'speed', env: 'FLEETSTORM_SPEED', flag: '--speed', read: (v, c) => ({ speed: readSpeed(v, c) }) },
  {
    key: 'targetMqtt',
    env: 'FLEETSTORM_TARGET_MQTT',
    flag: '--target-mqtt',
    read: (v, c) => ({ targetMqtt: readUrls(v, MQTT_URL_RE, 'mqtt://broker:1883', c) }),
  },
  {
    key: 'targetHttp',
    env: 'FLEETSTORM_TARGET_HTTP',
    flag: '--target-http',
    read: (v, c) => ({ targetHttp: readUrls(v, HTTP_URL_RE, 'http://backend:8080', c)[0] ?? '' }),
  },
  {
    key: 'resolve',
    env: 'FLEETSTORM_RESOLVE',
    flag: '--resolve',
    read: (v, c) => ({ targetResolve: readResolve(v, c) }),
  },
  { key: 'shard', env: 'FLEETSTORM_SHARD', flag: '--shard', read: (v, c) => ({ shard: readShard(v, c) }) },
  {
    key: 'scaleBackend',
    env: 'FLEETSTORM_SCALE_BACKEND',
    flag: '--scale-backend',
    read: (v, c) => ({ scaleBackend: readBool(v, c) }),
  },
  { key: 'strict', env: 'FLEETSTORM_STRICT', flag: '--strict', read: (v, c) => ({ strict: readBool(v, c) }) },
];

/** Names of the FLEETSTORM_* variables read (plus FLEETSTORM_PROFILE, read by load.ts). */
export const ENV_VARS: readonly string[] = [...OVERRIDE_FIELDS.map((f) => f.env), 'FLEETSTORM_PROFILE'];

function layerFrom(source: string, code: ErrorCode, entries: [Reader, unknown, string][]): Layer {
  let layer: Layer = { source, code, where: {} };
  for (const [read, value, where] of entries) {
    const part = read(value, { code, where });
    layer = { ...layer, ...part, where: { ...layer.where, ...part.where } };
  }
  return layer;
}

/** FLEETSTORM_* variables → a layer; empty values count as unset. */
export function envLayer(env: Record<string, string | undefined>): Layer {
  const entries = OVERRIDE_FIELDS.filter((f) => (env[f.env] ?? '').trim() !== '').map(
    (f): [Reader, unknown, string] => [f.read, env[f.env], f.env],
  );
  return layerFrom('environment', 'FLEETSTORM_ERR_ENV_OVERRIDE', entries);
}

/** Each override's value as the flag takes it, from its (already checked) variable text. */
const FROM_ENV: { [K in keyof CliOverrides]-?: (raw: string) => CliOverrides[K] } = {
  devices: Number,
  seed: Number,
  mode: (raw) => raw as Mode,
  duration: (raw) => raw,
  workers: Number,
  speed: (raw) => (raw === 'max' ? 'max' : Number(raw)),
  targetMqtt: (raw) =>
    raw
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
  targetHttp: (raw) => raw,
  resolve: (raw) =>
    raw
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
  shard: (raw) => readShard(raw, { code: 'FLEETSTORM_ERR_ENV_OVERRIDE', where: 'FLEETSTORM_SHARD' }),
  interval: (raw) => raw,
  scaleBackend: (raw) => TRUE_WORDS.includes(raw.toLowerCase()),
  strict: (raw) => TRUE_WORDS.includes(raw.toLowerCase()),
};

/**
 * The FLEETSTORM_* variables as the flags that would set the same (for the replay line: a run
 * shaped by the environment must replay without it). Values were checked by envLayer already.
 */
export function envOverrides(env: Record<string, string | undefined>): CliOverrides {
  const o: Record<string, unknown> = {};
  for (const f of OVERRIDE_FIELDS) {
    const raw = env[f.env]?.trim();
    if (raw !== undefined && raw !== '') o[f.key] = FROM_ENV[f.key](raw);
  }
  return o as CliOverrides;
}

/** Command-line flags → a layer. */
export function cliLayer(overrides: CliOverrides): Layer {
  const entries = OVERRIDE_FIELDS.filter((f) => overrides[f.key] !== undefined).map(
    (f): [Reader, unknown, string] => [f.read, overrides[f.key], f.flag],
  );
  return layerFrom('command line', 'FLEETSTORM_ERR_CLI_ARGUMENT', entries);
}
