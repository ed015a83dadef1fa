// `telemetry.at` / `telemetry.cron` → the readings' offsets within a day of the device's clock,
// `telemetry.buffer` → capacity, overflow policy and flush pace, and `clock` → drift and time
// since the last sync. Wall-clock alignment is against the run's virtual clock: t = 0 is
// 00:00:00 of day 0 (the epoch), so `at: ":00"` first fires one hour into the run.
import { ToolError } from '../errors/tool-error.js';
import type {
  ClockConfig,
  ResolvedScenario,
  TelemetryBufferConfig,
  TelemetryScheduleConfig,
} from './types.js';
import { parseDurationUs, parseRatePerSec } from './units.js';

type At = (path: string) => string;

const MINUTE_US = 60e6;
const HOUR_US = 3600e6;
export const DAY_US = 24 * HOUR_US;
/** A device clock's drift above this is a mistake in units, not a clock. */
const MAX_DRIFT_PPM = 100_000;

function invalid(what: string, where: string, got: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', what, { where, got, fix });
}

export interface ScheduleInput {
  at?: string | string[] | undefined;
  cron?: string | undefined;
  jitter: string;
}

/** Null when the telemetry runs on its interval (neither `at` nor `cron`). */
export function resolveSchedule(t: ScheduleInput, at: At): TelemetryScheduleConfig | null {
  if (t.at === undefined && t.cron === undefined) return null;
  if (t.at !== undefined && t.cron !== undefined)
    throw invalid('`at` and `cron` both set', at('cron'), t.cron, 'keep one of the two');
  const offsets =
    t.cron !== undefined ? cronOffsets(t.cron, at('cron')) : atOffsets(listOf(t.at ?? []), at('at'));
  return { offsetsUs: [...new Set(offsets)].sort((x, y) => x - y), splayUs: parseDurationUs(t.jitter) };
}

function listOf(v: string | string[]): string[] {
  return typeof v === 'string' ? [v] : v;
}

/** `:MM` or `*:MM` (every hour), `HH:MM` (every day), each with optional `:SS`. */
function atOffsets(items: string[], where: string): number[] {
  const out: number[] = [];
  for (const item of items) {
    const m = /^(\*|\d{1,2})?:(\d{2})(?::(\d{2}))?$/.exec(item.trim());
    const fix = 'write `:00` (every hour at minute 0), `*:15`, `06:30` (every day) or a list of them';
    if (!m) throw invalid('unknown `at` time', where, item, fix);
    const minute = Number(m[2]);
    const second = Number(m[3] ?? 0);
    if (minute > 59 || second > 59) throw invalid('minute and second go up to 59', where, item, fix);
    const within = minute * MINUTE_US + second * 1e6;
    const hour = m[1] === undefined || m[1] === '*' ? null : Number(m[1]);
    if (hour !== null && hour > 23) throw invalid('hour goes up to 23', where, item, fix);
    if (hour === null) for (let h = 0; h < 24; h++) out.push(h * HOUR_US + within);
    else out.push(hour * HOUR_US + within);
  }
  return out;
}

/** Five-field cron with minute and hour set; day, month and weekday must be `*`. */
function cronOffsets(text: string, where: string): number[] {
  const fields = text.trim().split(/\s+/);
  const fix = 'write `M H * * *` with M and H as `*`, a number, `*/n` or a list (`0 * * * *`)';
  if (fields.length !== 5 || fields.slice(2).some((f) => f !== '*'))
    throw invalid('cron takes minute and hour fields only (the other three are `*`)', where, text, fix);
  const minutes = cronField(fields[0] as string, 59, where, text, fix);
  const hours = cronField(fields[1] as string, 23, where, text, fix);
  return hours.flatMap((h) => minutes.map((m) => h * HOUR_US + m * MINUTE_US));
}

function cronField(f: string, max: number, where: string, text: string, fix: string): number[] {
  const out: number[] = [];
  for (const part of f.split(',')) {
    const step = /^\*\/(\d+)$/.exec(part);
    if (part === '*') for (let v = 0; v <= max; v++) out.push(v);
    else if (step && Number(step[1]) > 0) for (let v = 0; v <= max; v += Number(step[1])) out.push(v);
    else if (/^\d+$/.test(part) && Number(part) <= max) out.push(Number(part));
    else
      throw invalid(`cron field \`${part}\` is not a value in 0..${max}, \`*\` or \`*/n\``, where, text, fix);
  }
  return out;
}

export interface BufferInput {
  capacity: number;
  'when-full': 'drop-oldest' | 'drop-newest';
  'flush-rate': number | string;
}

export function resolveBuffer(b: BufferInput | undefined, at: At): TelemetryBufferConfig | null {
  if (b === undefined) return null;
  const flushPerSec = parseRatePerSec(b['flush-rate'], at('buffer.flush-rate'));
  if (!(flushPerSec > 0))
    throw invalid(
      'flush rate must be positive',
      at('buffer.flush-rate'),
      String(b['flush-rate']),
      'use e.g. `50/s`',
    );
  return { capacity: b.capacity, dropOldest: b['when-full'] === 'drop-oldest', flushPerSec };
}

export interface ClockInput {
  drift: string;
  'since-sync': string;
}

/** `±50ppm`, `50ppm` (both mean ±50 ppm) → ppm. */
export function resolveClock(c: ClockInput, at: At): ClockConfig {
  const m = /^(?:±|\+-)?(\d+(?:\.\d+)?)\s*ppm$/.exec(c.drift.trim());
  const fix = 'write the drift bound in ppm, e.g. `±50ppm` (each device draws its rate once within it)';
  if (!m) throw invalid('unknown clock drift', at('clock.drift'), c.drift, fix);
  const driftPpm = Number(m[1]);
  if (driftPpm > MAX_DRIFT_PPM)
    throw invalid(`drift above ${MAX_DRIFT_PPM}ppm`, at('clock.drift'), c.drift, fix);
  return { driftPpm, sinceSyncUs: parseDurationUs(c['since-sync'], at('clock.since-sync')) };
}

/** Some device type buffers or aligns its readings: the shard carries the per-device slots. */
export function anySchedules(s: ResolvedScenario): boolean {
  return Object.values(s.deviceTypes).some(
    (t) => (t.telemetry.buffer ?? null) !== null || (t.telemetry.schedule ?? null) !== null,
  );
}
