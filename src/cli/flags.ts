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
  resolve?: string[];
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
  if (text.trim() === '' || !Number.isSafeInteger(v) || v < min)
    throw bad(flag, text, `give a whole number >= ${min} (at most ${Number.MAX_SAFE_INTEGER})`);
  return v;
}

/** `--out DIR`: an empty value would write nowhere (or into the current folder). */
export function parseOut(text: string | undefined): string | undefined {
  if (text !== undefined && text.trim() === '')
    throw bad('out', text, 'name a folder, e.g. --out reports/my-run', 'empty folder name');
  return text;
}

/** `--metrics-port`: a TCP port, 0 for any free one; undefined when not given. */
export function parsePort(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < 0 || v > 65535)
    throw bad(flag, text, 'give a TCP port 0..65535 (0 = any free port)', 'not a TCP port');
  return v;
}

/** Options that may be given more than once (yargs collects them in a list). */
const REPEATABLE = new Set(['_', 'target-mqtt', 'targetMqtt', 'resolve', 'arg', 'files', 'server-name']);

/**
 * A flag given twice arrives as a list; for a one-value flag that is a mistake (which one was
 * meant?), refused in one line rather than a crash or a silent pick.
 */
export function rejectRepeated(args: Record<string, unknown>, lists: readonly string[] = []): void {
  for (const [key, value] of Object.entries(args)) {
    if (!Array.isArray(value) || REPEATABLE.has(key) || lists.includes(key) || /[A-Z]/.test(key)) continue;
    throw bad(key, value.map(String).join(' '), `give --${key} once`, 'given more than once');
  }
}

/** Flags whose value may look like an option (`--shard -1/2`, `--duration -5m`). */
const NO_VALUE = new Set([
  '--json',
  '--quiet',
  '--html',
  '--no-html',
  '--scale-backend',
  '--strict',
  '--force',
  '--rollout',
  '--help',
  '--version',
]);

/**
 * `--flag -5m` would read `-5m` as short options (yargs: "Unknown arguments: 5, m"); joined as
 * `--flag=-5m` the value reaches the flag's own check, which names the flag and the fix.
 */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (
      a.startsWith('--') &&
      !a.includes('=') &&
      !NO_VALUE.has(a) &&
      next !== undefined &&
      /^-[\d.]/.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count)
    throw bad('shard', text, 'write i/N with 0 <= i < N, e.g. --shard 0/4');
  return { index, count };
}

/** Beyond this a live run is over before a single connect: use `max` for "as fast as it goes". */
const MAX_SPEED = 1_000_000;

function parseSpeed(text: string): number | 'max' {
  if (text === 'max') return 'max';
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_SPEED)
    throw bad(
      'speed',
      text,
      `a number above 0 and up to ${MAX_SPEED} (virtual seconds per real second), or max`,
    );
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
  if (f.resolve !== undefined && f.resolve.length > 0) o.resolve = f.resolve;
  if (f.shard !== undefined) o.shard = parseShard(f.shard);
  if (f['scale-backend'] !== undefined) o.scaleBackend = f['scale-backend'];
  if (f.strict !== undefined) o.strict = f.strict;
  return o;
}
