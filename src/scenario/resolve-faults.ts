// Faults: parsed → FaultConfig, desugaring `who: 5%` and filling per-type defaults. Pure.
import { ToolError } from '../errors/tool-error.js';
import type { At } from './resolve-device.js';
import type { FaultParsed } from './schema.js';
import type { FaultConfig, FaultType, FaultWho } from './types.js';
import { parseBandwidthBytesPerSec, parseDurationRangeUs, parseDurationUs, parseRatio } from './units.js';
import { checkDeviceTypeNames } from './resolve-names.js';
import { checkThresholdExpr } from './resolve-thresholds.js';

/** Faults that hit the whole backend: `who` and `during` do not apply. */
const BACKEND_FAULTS: ReadonlySet<FaultType> = new Set<FaultType>(['backend-outage', 'backend-slow']);

/** Default `duration` per fault type (`0s`: instantaneous). */
export const DEFAULT_FAULT_DURATION: Record<FaultType, string> = {
  'radio-drop': '1m',
  'radio-degrade': '10m',
  'power-loss': '10s',
  'battery-flat': '0s',
  'corrupt-image': '0s',
  'clock-skew': '0s',
  'backend-outage': '5m',
  'backend-slow': '10m',
  'half-open': '10m',
  'broker-reject': '10m',
  decommission: '0s',
  reprovision: '0s',
};

type ParamKey = keyof NonNullable<FaultParsed['params']>;
const FAULT_PARAMS: Partial<Record<FaultType, readonly ParamKey[]>> = {
  'radio-degrade': ['latency', 'loss', 'bandwidth'],
  'clock-skew': ['skew'],
  'backend-slow': ['slow-factor'],
  'backend-outage': ['brokers'],
};
const DEFAULT_SLOW_FACTOR = 4;

function invalid(message: string, where: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, { where, got, fix });
}

function toList(v: string | string[] | undefined): string[] | null {
  return v === undefined ? null : typeof v === 'string' ? [v] : v;
}

export function resolveWho(f: FaultParsed, path: string, at: At, deviceTypes: readonly string[]): FaultWho {
  const who = f.who;
  if (BACKEND_FAULTS.has(f.type) && (who !== undefined || f.during !== undefined)) {
    const key = who !== undefined ? 'who' : 'during';
    throw invalid(
      `${f.type} hits the whole backend`,
      at(`${path}.${key}`),
      who ?? f.during,
      `remove \`${key}\``,
    );
  }
  const anyone = { count: null, deviceTypes: null, firmwareVersions: null, states: null };
  if (who === undefined) return { ratio: 1, ...anyone };
  if (typeof who === 'string') return { ...anyone, ratio: parseRatio(who, at(`${path}.who`)) };
  if (who.state !== undefined && who.count !== undefined) {
    throw invalid(
      '`who.count` cannot go with `who.state`: which devices are in a state is only known when the fault starts',
      at(`${path}.who.count`),
      who.count,
      'give `who.share` (a share of the devices in that state) instead of `count`',
    );
  }
  if (who.state !== undefined && (f.during !== undefined || f.when !== undefined)) {
    const key = f.during !== undefined ? 'during' : 'when';
    throw invalid(
      `\`who.state\` selects devices when a timed occurrence starts; it does not go with \`${key}\``,
      at(`${path}.who.state`),
      who.state,
      f.during !== undefined
        ? `remove \`who.state\`: \`during\` already hits devices as they enter a state`
        : 'remove `who.state`, or give `at` / `every` instead of `when`',
    );
  }
  if (who.share !== undefined && who.count !== undefined) {
    throw invalid('give `share` or `count`, not both', at(`${path}.who`), who, 'remove one of them');
  }
  const types = toList(who.device);
  checkDeviceTypeNames(types, deviceTypes, at(`${path}.who.device`));
  return {
    ratio: who.count !== undefined ? null : parseRatio(who.share ?? 1, at(`${path}.who.share`)),
    count: who.count ?? null,
    deviceTypes: types,
    firmwareVersions: toList(who.firmware),
    states: who.state === undefined ? null : typeof who.state === 'string' ? [who.state] : who.state,
    sites: siteWho(who.sites, at(`${path}.who.sites`)),
  };
}

function siteWho(v: string | number | undefined, where: string): FaultWho['sites'] {
  if (v === undefined) return null;
  return typeof v === 'number' ? { ratio: null, count: v } : { ratio: parseRatio(v, where), count: null };
}

function resolveParams(f: FaultParsed, path: string, at: At): FaultConfig['params'] {
  const p = f.params ?? {};
  const allowed = FAULT_PARAMS[f.type] ?? [];
  for (const key of Object.keys(p) as ParamKey[]) {
    if (p[key] !== undefined && !allowed.includes(key)) {
      const fix = allowed.length
        ? `${f.type} takes: ${allowed.join(', ')}`
        : `${f.type} takes no params; remove it`;
      throw invalid(`\`${key}\` does not apply to ${f.type}`, at(`${path}.params.${key}`), p[key], fix);
    }
  }
  if (
    f.type === 'radio-degrade' &&
    p.latency === undefined &&
    p.loss === undefined &&
    p.bandwidth === undefined
  ) {
    throw invalid(
      'radio-degrade needs a parameter',
      at(`${path}.params`),
      f.params,
      'set latency, loss or bandwidth',
    );
  }
  if (f.type === 'clock-skew' && p.skew === undefined) {
    throw invalid('clock-skew needs `skew`', at(`${path}.params`), f.params, 'add `params: { skew: -5m }`');
  }
  const skew = p.skew;
  const skewUs = skew === undefined ? null : signed(skew, at(`${path}.params.skew`));
  return {
    latencyUs: p.latency === undefined ? null : parseDurationUs(p.latency, at(`${path}.params.latency`)),
    lossRatio: p.loss === undefined ? null : parseRatio(p.loss, at(`${path}.params.loss`)),
    bandwidthBytesPerSec:
      p.bandwidth === undefined
        ? null
        : parseBandwidthBytesPerSec(p.bandwidth, at(`${path}.params.bandwidth`)),
    skewUs,
    slowFactor: f.type === 'backend-slow' ? (p['slow-factor'] ?? DEFAULT_SLOW_FACTOR) : null,
    // Only written when set, so an outage of the whole backend reports as before.
    ...(p.brokers === undefined ? {} : { brokers: [...new Set([p.brokers].flat())].sort((a, b) => a - b) }),
  };
}

function signed(value: string, where: string): number {
  const negative = value.startsWith('-');
  const us = parseDurationUs(negative ? value.slice(1) : value, where);
  return negative ? -us : us;
}

/** `when` starts the fault on a metric condition: `at` and `during` would say when a second time. */
function resolveWhen(f: FaultParsed, path: string, at: At): string | null {
  if (f.when === undefined) return null;
  for (const key of ['at', 'during'] as const) {
    if (f[key] !== undefined) {
      throw invalid(
        `give \`when\` or \`${key}\`, not both`,
        at(`${path}.${key}`),
        f[key],
        `remove \`${key}\` (\`every\` repeats a \`when\` fault from the time it starts)`,
      );
    }
  }
  checkThresholdExpr(f.when, at(`${path}.when`));
  return f.when;
}

function resolveFault(f: FaultParsed, index: number, at: At, deviceTypes: readonly string[]): FaultConfig {
  const path = `faults[${index}]`;
  if (f.at === undefined && f.every === undefined && f.during === undefined && f.when === undefined) {
    throw invalid(
      'a fault needs a time',
      at(path),
      f.type,
      'add `at: 1h`, `every: 6h`, `during: ota.downloading` or `when: "ota_download_started_total >= 100"`',
    );
  }
  const everyUs = f.every === undefined ? null : parseDurationUs(f.every, at(`${path}.every`));
  if (everyUs === 0) throw invalid('`every` must be positive', at(`${path}.every`), f.every, 'use e.g. `6h`');
  return {
    type: f.type,
    id: `f${index}`,
    atUs: f.at === undefined ? null : parseDurationUs(f.at, at(`${path}.at`)),
    everyUs,
    during: f.during ?? null,
    when: resolveWhen(f, path, at),
    durationUs: parseDurationRangeUs(f.duration ?? DEFAULT_FAULT_DURATION[f.type], at(`${path}.duration`)),
    who: resolveWho(f, path, at, deviceTypes),
    params: resolveParams(f, path, at),
  };
}

export function resolveFaults(
  faults: readonly FaultParsed[],
  at: At,
  deviceTypes: readonly string[],
): FaultConfig[] {
  return faults.map((f, i) => resolveFault(f, i, at, deviceTypes));
}
