// Turning parsed flags into CliOverrides, with one-line errors for values yargs cannot check.
import { ToolError } from '../errors/tool-error.js';
import type { CliOverrides } from '../scenario/overrides.js';
import { MODES, type Mode } from '../scenario/types.js';

export interface RawRunFlags {
  devices?: string;
  seed?: string;
  mode?: string;
  duration?: string;
  interval?: string;
  workers?: string;
  speed?: string;
  'target-mqtt'?: string[];
  'target-http'?: string;
  shard?: string;
  'scale-backend'?: boolean;
  strict?: boolean;
}

function bad(flag: string, got: unknown, fix: string, what = 'invalid value'): ToolError {
  return new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', what, { where: `--${flag}`, got, fix });
}

/** Numeric flags arrive as text, so an error can show exactly what was typed. */
function positiveInt(flag: string, text: string | undefined, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < min)
    throw bad(flag, text, `give a whole number >= ${min}`);
  return v;
}

export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count)
    throw bad('shard', text, 'write i/N with 0 <= i < N, e.g. --shard 0/4');
  return { index, count };
}

function parseSpeed(text: string): number | 'max' {
  if (text === 'max') return 'max';
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw bad('speed', text, 'a positive number (virtual seconds per real second) or max');
  return n;
}

/** `--processes N` (live mode): a whole number >= 1, or undefined when not given. */
export function parseProcesses(v: string | undefined): number | undefined {
  return positiveInt('processes', v);
}

export function toOverrides(f: RawRunFlags): CliOverrides {
  const o: CliOverrides = {};
  const devices = positiveInt('devices', f.devices);
  if (devices !== undefined) o.devices = devices;
  const seed = positiveInt('seed', f.seed, 0);
  if (seed !== undefined) o.seed = seed;
  const workers = positiveInt('workers', f.workers, 0);
  if (workers !== undefined) o.workers = workers;
  if (f.mode !== undefined) {
    if (!(MODES as readonly string[]).includes(f.mode))
      throw bad('mode', f.mode, `one of ${MODES.join(', ')}`);
    o.mode = f.mode as Mode;
  }
  if (f.duration !== undefined) o.duration = f.duration;
  if (f.interval !== undefined) o.interval = f.interval;
  if (f.speed !== undefined) o.speed = parseSpeed(f.speed);
  if (f['target-mqtt'] !== undefined && f['target-mqtt'].length > 0) o.targetMqtt = f['target-mqtt'];
  if (f['target-http'] !== undefined) o.targetHttp = f['target-http'];
  if (f.shard !== undefined) o.shard = parseShard(f.shard);
  if (f['scale-backend'] !== undefined) o.scaleBackend = f['scale-backend'];
  if (f.strict !== undefined) o.strict = f.strict;
  return o;
}
