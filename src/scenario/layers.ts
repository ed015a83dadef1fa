// Precedence: built-in defaults < scenario < profile < environment < CLI. The first two are the
// base scenario (schema defaults + file); each later source is a Layer applied in order, so a
// later layer simply overwrites what an earlier one set. Pure.
import type { ErrorCode } from '../errors/codes.js';
import { ToolError } from '../errors/tool-error.js';
import { checkTiming, defaultIntervalUs, type BaseScenario, type TimingWhere } from './resolve.js';
import { overlayIdentity, type IdentityOverlay } from './resolve-identity.js';
import { fleetSize, scaleAbsolute, scaleFleet } from './scale.js';
import { overLimits } from './resolve-target.js';
import type { Mode, ResolvedScenario, TargetLimits, TargetTls, ThresholdConfig } from './types.js';

export type FleetSizeChange = { kind: 'total'; devices: number } | { kind: 'scale'; ratio: number };

/** What a profile, the environment or the command line changes, in engine units. */
export interface Layer {
  /** Names the source in error messages, e.g. `profiles/ci.yaml` or `FLEETSTORM_*`. */
  source: string;
  /** Error code for values from this source (profile, environment or command line). */
  code: ErrorCode;
  /** `where` of each field for error messages (file + key, variable name or flag). */
  where: Partial<Record<'duration' | 'interval', string>>;
  profile?: string;
  /** Replaces the description. */
  description?: string;
  /** Appended to the description (a profile says what it changed). */
  descriptionNote?: string;
  seed?: number;
  mode?: Mode;
  durationUs?: number;
  maxDurationUs?: number;
  intervalUs?: number;
  workers?: number;
  speed?: number;
  fleetSize?: FleetSizeChange;
  maxDevices?: number;
  /** Scale backend capacity and absolute counts with a resized fleet (scaleAbsolute). */
  scaleBackend?: boolean;
  dropScenarioThresholds?: boolean;
  /** Plan warnings (src/scenario/vacuity.ts) are errors; the last layer that says wins. */
  strict?: boolean;
  thresholds?: ThresholdConfig[];
  targetMqtt?: string[];
  targetHttp?: string;
  /** Host name → address entries added over the earlier ones (`--resolve`, a profile). */
  targetResolve?: Record<string, string>;
  /** Limits set here replace the earlier ones field by field. */
  targetLimits?: Partial<TargetLimits>;
  /** Replaces the TLS settings as a whole (a profile's `target.tls`). */
  targetTls?: TargetTls;
  shard?: { index: number; count: number };
  /** Identity and credentials laid over every device type (a profile's `connectivity:`). */
  identity?: IdentityOverlay;
}

function withNote(description: string, note: string | undefined): string {
  if (note === undefined || note === '') return description;
  return description === '' ? note : `${description} (${note})`;
}

type IntervalSource = 'default' | 'scenario' | 'layer';

interface State {
  s: ResolvedScenario;
  intervalFrom: IntervalSource;
  where: Required<TimingWhere>;
}

function applyFleet(s: ResolvedScenario, layer: Layer): ResolvedScenario['fleet'] {
  let fleet = s.fleet;
  const change = layer.fleetSize;
  if (change?.kind === 'total') fleet = scaleFleet(fleet, change.devices);
  if (change?.kind === 'scale') {
    const total = Math.max(1, Math.round(fleetSize(fleet) * change.ratio));
    // A scale of 1e308 must be an error here, not Infinity in the integer arithmetic below.
    if (!Number.isSafeInteger(total)) {
      throw new ToolError('FLEETSTORM_ERR_PLAN_TOO_LARGE', 'the scale makes the fleet too large to count', {
        where: `${layer.source}: scale`,
        got: change.ratio,
        fix: 'scale to a fleet that fits this machine (see the memory estimate), or give devices: N',
      });
    }
    fleet = scaleFleet(fleet, total);
  }
  if (layer.maxDevices !== undefined && fleetSize(fleet) > layer.maxDevices)
    fleet = scaleFleet(fleet, layer.maxDevices);
  return fleet;
}

function applyTiming(st: State, layer: Layer): void {
  const s = st.s;
  let durationUs = layer.durationUs ?? s.durationUs;
  if (layer.maxDurationUs !== undefined) durationUs = Math.min(durationUs, layer.maxDurationUs);
  if (durationUs !== s.durationUs) {
    st.where.duration = layer.where.duration ?? layer.source;
    st.where.durationCode = layer.code;
  }
  let intervalUs = s.intervalUs;
  if (layer.intervalUs !== undefined) {
    intervalUs = layer.intervalUs;
    st.intervalFrom = 'layer';
    st.where.interval = layer.where.interval ?? layer.source;
    st.where.intervalCode = layer.code;
  } else if (durationUs !== s.durationUs) {
    // An interval the scenario chose is kept while it still fits; a default follows the duration.
    const keep = st.intervalFrom === 'layer' || (st.intervalFrom === 'scenario' && intervalUs <= durationUs);
    if (!keep) {
      intervalUs = defaultIntervalUs(durationUs);
      st.intervalFrom = 'default';
    }
  }
  st.s = { ...s, durationUs, intervalUs };
}

function applyLayer(st: State, layer: Layer): void {
  applyTiming(st, layer);
  const s = st.s;
  const base = layer.dropScenarioThresholds ? [] : s.thresholds;
  st.s = {
    ...s,
    profile: layer.profile ?? s.profile,
    description: withNote(layer.description ?? s.description, layer.descriptionNote),
    seed: layer.seed ?? s.seed,
    mode: layer.mode ?? s.mode,
    workers: layer.workers ?? s.workers,
    fleet: applyFleet(s, layer),
    thresholds: [...base, ...(layer.thresholds ?? [])],
    target: {
      ...s.target,
      mqttUrls: layer.targetMqtt ?? s.target.mqttUrls,
      httpUrl: layer.targetHttp ?? s.target.httpUrl,
      resolve: { ...s.target.resolve, ...layer.targetResolve },
      limits: overLimits(s.target.limits, layer.targetLimits),
      tls: layer.targetTls ?? s.target.tls ?? null,
    },
    live: { ...s.live, speed: layer.speed ?? s.live.speed },
    shard: layer.shard ?? s.shard,
    deviceTypes: overlayIdentity(s.deviceTypes, layer.identity),
  };
}

/** Applies the layers in order of increasing precedence and re-checks the timing. */
export function applyLayers(base: BaseScenario, layers: readonly Layer[], label: string): ResolvedScenario {
  const st: State = {
    s: base.scenario,
    intervalFrom: base.intervalExplicit ? 'scenario' : 'default',
    where: {
      duration: `${label}: duration`,
      interval: `${label}: ${base.intervalExplicit ? 'interval' : 'duration'}`,
      durationCode: 'FLEETSTORM_ERR_SCENARIO_INVALID',
      intervalCode: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    },
  };
  for (const layer of layers) applyLayer(st, layer);
  checkTiming(st.s.durationUs, st.s.intervalUs, st.where);
  return resized(st.s, fleetSize(base.scenario.fleet), layers);
}

/** Notes a resized fleet, and scales the backend with it when the last layer to say so says yes. */
function resized(s: ResolvedScenario, fromDevices: number, layers: readonly Layer[]): ResolvedScenario {
  if (fleetSize(s.fleet) === fromDevices) return s;
  const backend = layers.reduce((on, l) => l.scaleBackend ?? on, false);
  const scaled = backend ? scaleAbsolute(s, fromDevices) : s;
  return { ...scaled, scaledFrom: { devices: fromDevices, backend } };
}
