// Parsed scenario (units as strings, shortcuts) → ResolvedScenario (µs, bytes, ratios, no
// shortcuts). Pure: device types arrive already resolved; files are read by load.ts. Profile,
// environment and CLI layers are applied afterwards by overrides.ts.
import type { ErrorCode } from '../errors/codes.js';
import { ToolError } from '../errors/tool-error.js';
import { whereOf } from './issues.js';
import type { At } from './resolve-device.js';
import { resolveTarget } from './resolve-target.js';
import { resolveFaults } from './resolve-faults.js';
import { checkSiteFaults, resolveSites } from './resolve-sites.js';
import { resolveOperations } from './resolve-commands.js';
import { resolveRollout } from './resolve-rollout.js';
import { resolveGroupLifecycle } from './resolve-lifecycle.js';
import { resolveThresholds } from './resolve-thresholds.js';
import { checkCohorts, resolveCohortFields } from './resolve-cohorts.js';
import type { ScenarioParsed } from './schema.js';
import type { DeviceType, ResolvedScenario } from './types.js';
import { resolveBackend } from './resolve-backend.js';
import { formatDurationUs, parseDurationUs } from './units.js';

/** Candidate series resolutions, smallest first. */
const ROUND_INTERVALS = [
  '1s',
  '2s',
  '5s',
  '10s',
  '15s',
  '30s',
  '1m',
  '2m',
  '5m',
  '10m',
  '15m',
  '30m',
  '1h',
  '2h',
  '6h',
  '12h',
  '1d',
];
const MAX_POINTS = 300;

/** The smallest round interval giving at most 300 points over the run (6h → 2m, 24h → 5m), ≥ 1s. */
export function defaultIntervalUs(durationUs: number): number {
  for (const text of ROUND_INTERVALS) {
    const us = parseDurationUs(text);
    if (durationUs / us <= MAX_POINTS) return Math.max(1, Math.min(us, durationUs));
  }
  return parseDurationUs(ROUND_INTERVALS[ROUND_INTERVALS.length - 1] ?? '1d');
}

export interface TimingWhere {
  duration: string;
  interval: string;
  /** Error code per field: the kind of source (scenario, profile, environment, flag) that set it. */
  durationCode?: ErrorCode;
  intervalCode?: ErrorCode;
}

/** Checks the run length and series resolution; shared with the override layers. */
export function checkTiming(durationUs: number, intervalUs: number, where: TimingWhere): void {
  const err = (code: ErrorCode | undefined, message: string, w: string, got: number, fix: string) =>
    new ToolError(code ?? 'FLEETSTORM_ERR_SCENARIO_INVALID', message, {
      where: w,
      got: formatDurationUs(got),
      fix,
    });
  if (durationUs <= 0)
    throw err(where.durationCode, 'duration must be positive', where.duration, durationUs, 'use e.g. `6h`');
  const orDefault = 'or remove it for the default';
  if (intervalUs <= 0) {
    throw err(
      where.intervalCode,
      'interval must be positive',
      where.interval,
      intervalUs,
      `use e.g. \`1m\`, ${orDefault}`,
    );
  }
  if (intervalUs > durationUs) {
    const fix = `use at most \`${formatDurationUs(durationUs)}\`, ${orDefault}`;
    throw err(where.intervalCode, 'interval is longer than the run', where.interval, intervalUs, fix);
  }
}

export interface BaseScenario {
  scenario: ResolvedScenario;
  /** The scenario file set `interval` itself (else it follows the duration). */
  intervalExplicit: boolean;
}

function resolveTiming(p: ScenarioParsed, at: At): { durationUs: number; intervalUs: number } {
  const durationUs = parseDurationUs(p.duration, at('duration'));
  const intervalUs =
    p.interval === undefined ? defaultIntervalUs(durationUs) : parseDurationUs(p.interval, at('interval'));
  checkTiming(durationUs, intervalUs, {
    duration: at('duration'),
    interval: at(p.interval === undefined ? 'duration' : 'interval'),
  });
  return { durationUs, intervalUs };
}

function resolveIo(p: ScenarioParsed, at: At): Pick<ResolvedScenario, 'target' | 'live'> {
  return {
    target: resolveTarget(p.target, at),
    live: {
      speed: p.live.speed === 'max' ? Number.POSITIVE_INFINITY : p.live.speed,
      maxConcurrentConnections: p.live['max-concurrent-connections'],
      processes: p.live.processes,
    },
  };
}

export function resolveParsedScenario(
  p: ScenarioParsed,
  deviceTypes: Record<string, DeviceType>,
  label: string,
  sourcePath: string | null,
): BaseScenario {
  const at: At = (path) => whereOf(label, path === '' ? [] : [path]);
  const names = Object.keys(deviceTypes);
  const scenario: ResolvedScenario = {
    name: p.name,
    description: p.description,
    sourcePath,
    profile: null,
    seed: p.seed,
    mode: p.mode,
    ...resolveTiming(p, at),
    workers: p.workers,
    deviceTypes,
    fleet: p.fleet.map((g, i) => ({
      device: typeof g.device === 'string' ? g.device : g.device.name,
      count: g.count,
      firmware: g.firmware ?? null,
      ...(g.tags === undefined ? {} : { tags: { ...g.tags } }),
      ...resolveGroupLifecycle(g, at, `fleet[${i}]`),
    })),
    powerOn: {
      startUs: parseDurationUs(p['power-on'].start, at('power-on.start')),
      spreadUs: parseDurationUs(p['power-on'].spread, at('power-on.spread')),
    },
    backend: resolveBackend(p.backend, at),
    rollout: resolveRollout(p.rollout, at, names),
    faults: resolveFaults(p.faults, at, names),
    sites: resolveSites(
      p.sites,
      p.fleet.reduce((n, g) => n + g.count, 0),
      at,
    ),
    operations: resolveOperations(p.operations, at, deviceTypes),
    thresholds: resolveThresholds(p.thresholds, at),
    ...resolveCohortFields(p),
    ...resolveIo(p, at),
    shard: null,
    scaledFrom: null,
  };
  checkSiteFaults(scenario.faults, scenario.sites ?? null, at);
  checkCohorts(scenario, at);
  return { scenario, intervalExplicit: p.interval !== undefined };
}
