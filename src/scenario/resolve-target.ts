// `target:` (scenario or profile) → TargetConfig: URLs as written, the host map of `resolve`,
// and `limits` in engine units. Also how a later layer's target goes over an earlier one.
import type { At } from './resolve-device.js';
import type { targetSchema } from './schema-backend.js';
import type { TargetConfig, TargetLimits } from './types.js';
import { parseBandwidthBytesPerSec, parseRatePerSec } from './units.js';
import { resolveTargetTls } from './resolve-tls.js';
import type * as z from 'zod';

export type TargetParsed = z.output<typeof targetSchema>;
type LimitsParsed = NonNullable<TargetParsed['limits']>;

export const NO_LIMITS: TargetLimits = {
  connections: null,
  connectRatePerSec: null,
  publishRatePerSec: null,
  requestRatePerSec: null,
  bandwidthBytesPerSec: null,
};

/** The limits a scenario or profile wrote (unset fields stay null: nothing to override). */
export function resolveLimits(l: LimitsParsed | undefined, at: At): TargetLimits {
  if (l === undefined) return { ...NO_LIMITS };
  const rate = (v: string | number | undefined, key: string): number | null =>
    v === undefined ? null : parseRatePerSec(v, at(`target.limits.${key}`));
  return {
    connections: l.connections ?? null,
    connectRatePerSec: rate(l['connect-rate'], 'connect-rate'),
    publishRatePerSec: rate(l['publish-rate'], 'publish-rate'),
    requestRatePerSec: rate(l['request-rate'], 'request-rate'),
    bandwidthBytesPerSec:
      l.bandwidth === undefined
        ? null
        : parseBandwidthBytesPerSec(l.bandwidth, at('target.limits.bandwidth')),
  };
}

/** Host names are case-insensitive: keys are kept lower-case. */
export function normalizeHostMap(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, address] of Object.entries(map))
    out[name.toLowerCase().replace(/\.$/, '')] = address.replace(/^\[(.*)\]$/, '$1');
  return out;
}

export function resolveTarget(t: TargetParsed, at: At): TargetConfig {
  return {
    mqttUrls: t.mqtt === undefined ? [] : [t.mqtt].flat(),
    httpUrl: t.http ?? null,
    resolve: normalizeHostMap(t.resolve ?? {}),
    limits: resolveLimits(t.limits, at),
    tls: resolveTargetTls(t.tls, at),
    ...(t.preset === undefined ? {} : { preset: t.preset }),
  };
}

/** Field by field: a later layer's set limits replace the earlier ones. */
export function overLimits(
  base: TargetLimits | undefined,
  over: Partial<TargetLimits> | undefined,
): TargetLimits {
  const out: TargetLimits = { ...NO_LIMITS, ...base };
  if (over === undefined) return out;
  for (const key of Object.keys(NO_LIMITS) as (keyof TargetLimits)[]) {
    const v = over[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}

export function hasLimits(l: TargetLimits | undefined): boolean {
  return l !== undefined && Object.values(l).some((v) => v !== null);
}
