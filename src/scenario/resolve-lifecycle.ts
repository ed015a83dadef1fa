// Lifecycle settings: a device type's `provisioning`, a fleet group's own `power-on` (a batch
// powering on later) and `timezone`, and the rollout's `install-window`. Pure. Each resolves to
// nothing when not written, so a scenario without them resolves (and reports) as before.
import { ToolError } from '../errors/tool-error.js';
import type { ProvisioningConfig } from './types.js';
import { parseDurationUs } from './units.js';

type At = (path: string) => string;

const MINUTE_US = 60e6;
const HOUR_US = 3600e6;

/** `UTC`, `UTC+1`, `UTC-5`, `UTC+05:30`. */
export const TIMEZONE_RE = /^UTC(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/;

function invalid(what: string, where: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', what, { where, got, fix });
}

/** A UTC offset in µs (local time = UTC + offset). */
export function parseTimezoneUs(text: string, where: string): number {
  const m = TIMEZONE_RE.exec(text.trim());
  const fix = 'write a UTC offset such as `UTC`, `UTC+1` or `UTC-05:30`';
  if (!m) throw invalid('unknown time zone', where, text, fix);
  if (m[1] === undefined) return 0;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0))
    throw invalid('UTC offsets go from UTC-14 to UTC+14', where, text, fix);
  return (m[1] === '-' ? -1 : 1) * (hours * HOUR_US + minutes * MINUTE_US);
}

export interface GroupLifecycleInput {
  'power-on'?: { start: string; spread: string } | undefined;
  timezone?: string | string[] | undefined;
}

/** The group's own power-on and time zones, as keys to spread into its FleetGroup (none: {}). */
export function resolveGroupLifecycle(
  g: GroupLifecycleInput,
  at: At,
  path: string,
): { powerOn?: { startUs: number; spreadUs: number }; timezoneOffsetsUs?: number[] } {
  const out: { powerOn?: { startUs: number; spreadUs: number }; timezoneOffsetsUs?: number[] } = {};
  const p = g['power-on'];
  if (p !== undefined)
    out.powerOn = {
      startUs: parseDurationUs(p.start, at(`${path}.power-on.start`)),
      spreadUs: parseDurationUs(p.spread, at(`${path}.power-on.spread`)),
    };
  if (g.timezone !== undefined) {
    const list = typeof g.timezone === 'string' ? [g.timezone] : g.timezone;
    out.timezoneOffsetsUs = list.map((z, i) =>
      parseTimezoneUs(z, at(typeof g.timezone === 'string' ? `${path}.timezone` : `${path}.timezone[${i}]`)),
    );
  }
  return out;
}

/** `HH:MM-HH:MM` → times of day in µs; an empty window (start = end) is refused. */
export function resolveInstallWindow(
  text: string | undefined,
  at: At,
): { installWindow?: { startUs: number; endUs: number } } {
  if (text === undefined) return {};
  const where = at('rollout.install-window');
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const fix = 'write local times `HH:MM-HH:MM`, e.g. `02:00-04:00`';
  if (!m) throw invalid('unknown install window', where, text, fix);
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59 || (h1 === 24 && m1 > 0) || (h2 === 24 && m2 > 0))
    throw invalid('hours go up to 24:00, minutes up to 59', where, text, fix);
  const day = 24 * HOUR_US;
  const startUs = (h1 * HOUR_US + m1 * MINUTE_US) % day;
  const endUs = (h2 * HOUR_US + m2 * MINUTE_US) % day;
  if (startUs === endUs)
    throw invalid(
      'the install window is empty',
      where,
      text,
      'give an end after the start, e.g. `02:00-04:00`',
    );
  return { installWindow: { startUs, endUs } };
}

export interface ProvisioningInput {
  timeout: string;
  path: string;
}

/** A device type's `provisioning` (none: {}). */
export function resolveProvisioning(
  p: ProvisioningInput | undefined,
  at: At,
): { provisioning?: ProvisioningConfig } {
  if (p === undefined) return {};
  const timeoutUs = parseDurationUs(p.timeout, at('provisioning.timeout'));
  if (timeoutUs <= 0)
    throw invalid(
      'the registration timeout must be positive',
      at('provisioning.timeout'),
      p.timeout,
      'use e.g. `30s`',
    );
  return { provisioning: { timeoutUs, path: p.path } };
}
