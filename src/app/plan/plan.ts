// `fleetstorm plan`: what a live run of this scenario would do to its target, without sending
// anything to it. The hosts are located (`--resolve` or DNS); the offered load comes from running
// the virtual engine on the scenario with a backend that keeps up (offered load, not what a
// struggling backend makes of it: refusals would add retries), at a resolution of about one
// second of real time.
import { fleetDevicesOf } from '../fleet-setup.js';
import { runVirtual } from '../virtual-engine.js';
import { hasRemoteTarget, locateTargets, type LookupAll, type TargetHost } from '../../live/target-hosts.js';
import { assertTargetsPaired } from '../../live/targets.js';
import { hasLimits } from '../../scenario/resolve-target.js';
import type { BackendModelConfig, ResolvedScenario } from '../../scenario/types.js';
import { defaultWorkers } from '../../workers/pool.js';
import { envelopeOf, meanPublishBytes, type Envelope } from './envelope.js';

/** The series of a plan holds at most this many intervals (long runs get a coarser resolution). */
export const MAX_PLAN_INTERVALS = 20_000;

export interface Plan {
  scenario: string;
  devices: number;
  durationUs: number;
  /** null: the embedded backend, started on loopback for the run. */
  targets: TargetHost[] | null;
  envelope: Envelope;
}

const AMPLE = 1e12;

/** A backend that accepts everything at once: what the fleet offers, not what a model answers. */
function keepingUp(b: BackendModelConfig): BackendModelConfig {
  const fast = { min: 0, max: 0 };
  return {
    connect: {
      ratePerSec: AMPLE,
      burst: AMPLE,
      queueLimit: AMPLE,
      maxSessions: AMPLE,
      latencyUs: b.connect.latencyUs,
    },
    ingest: { ratePerSec: AMPLE, queueLimit: AMPLE, latencyUs: fast },
    checkin: { ratePerSec: AMPLE, queueLimit: AMPLE, latencyUs: b.checkin.latencyUs },
    fanout: { ratePerSec: AMPLE, queueLimit: AMPLE, latencyUs: fast },
    ota: { bandwidthBytesPerSec: AMPLE, maxConcurrentDownloads: AMPLE },
  };
}

/** One real second of a live run in virtual µs (coarser when the run is too long for that). */
export function planIntervalUs(s: ResolvedScenario): number {
  const speed = Number.isFinite(s.live.speed) && s.live.speed > 0 ? s.live.speed : 1;
  const oneRealSecUs = Math.max(1, Math.round(speed * 1e6));
  const coarsest = Math.ceil(s.durationUs / MAX_PLAN_INTERVALS);
  return Math.min(s.durationUs, Math.max(oneRealSecUs, coarsest));
}

/** Needed before a live run: against a remote host (the plan is printed) or with limits (checked). */
export function runNeedsPlan(s: ResolvedScenario): boolean {
  return s.mode === 'live' && (hasRemoteTarget(s) || hasLimits(s.target.limits));
}

export async function planScenario(
  s: ResolvedScenario,
  opts: { workers?: number; lookup?: LookupAll } = {},
): Promise<Plan> {
  assertTargetsPaired(s); // as run would: an HTTP target alone is refused
  const targets = s.target.mqttUrls.length === 0 ? null : await locateTargets(s, opts.lookup);
  const v: ResolvedScenario = {
    ...s,
    mode: 'virtual',
    intervalUs: planIntervalUs(s),
    backend: keepingUp(s.backend),
    thresholds: [],
  };
  const workers = opts.workers ?? (s.workers > 0 ? s.workers : defaultWorkers());
  const eng = await runVirtual(v, { workers });
  if (eng.status === 'crashed')
    throw eng.crash instanceof Error ? eng.crash : new Error(String(eng.statusReason));
  const { series } = eng.agg.build({ reachedUs: eng.reachedUs });
  return {
    scenario: s.name,
    devices: fleetDevicesOf(s),
    durationUs: s.durationUs,
    targets,
    envelope: envelopeOf(series, s.live.speed, meanPublishBytes(s)),
  };
}
