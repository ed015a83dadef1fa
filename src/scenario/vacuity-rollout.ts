// Can the rollout reach a device before the run ends? Decided from the scenario: when it starts,
// which fleet groups its selector matches, and when polling devices next check in (a device
// checks at boot and then every `check-interval`, so a tracker polling every 12 h that booted
// before the rollout started does not hear of it in an 8-hour run). Waves that start after the
// end, or that add no device to the previous one, are listed too.
import type { DeviceType, FleetGroup, ResolvedScenario, RolloutConfig } from './types.js';
import { formatDurationUs as fmt, formatRatio } from './units.js';

export interface RolloutReach {
  /** Why no device can be offered the update in this run, or null when some can. */
  reason: string | null;
  field: string;
  waves: { field: string; text: string }[];
}

function groupVersion(s: ResolvedScenario, g: FleetGroup): string {
  return g.firmware ?? s.deviceTypes[g.device]?.firmware ?? '';
}

/** Fleet groups the selector targets, or why none. */
function targetedGroups(s: ResolvedScenario, r: RolloutConfig): { groups: FleetGroup[]; why: string } {
  const sel = r.selector;
  if (sel.ratio === 0) return { groups: [], why: 'its selector share is 0%' };
  const typed = s.fleet.filter((g) => sel.deviceTypes === null || sel.deviceTypes.includes(g.device));
  if (typed.length === 0)
    return { groups: [], why: `no device of type ${(sel.deviceTypes ?? []).join(', ')} is in the fleet` };
  const from = typed.filter(
    (g) => sel.fromVersions === null || sel.fromVersions.includes(groupVersion(s, g)),
  );
  if (from.length === 0)
    return { groups: [], why: `no selected device runs firmware ${(sel.fromVersions ?? []).join(', ')}` };
  const groups = from.filter((g) => groupVersion(s, g) !== r.firmware.version);
  return { groups, why: `every selected device already runs ${r.firmware.version}` };
}

/**
 * First check-in of a polling device type at or after `fromUs`: devices boot over the power-on
 * window and check at boot, then every check interval.
 */
export function firstPollAtOrAfterUs(s: ResolvedScenario, t: DeviceType, fromUs: number): number {
  const bootFrom = s.powerOn.startUs;
  const bootTo = bootFrom + s.powerOn.spreadUs;
  if (fromUs <= bootTo) return Math.max(fromUs, bootFrom);
  const every = t.ota.checkIntervalUs;
  if (every <= 0) return fromUs;
  const k = Math.max(1, Math.ceil((fromUs - bootTo) / every));
  return Math.max(fromUs, bootFrom + k * every);
}

function pollReason(s: ResolvedScenario, r: RolloutConfig, groups: FleetGroup[]): string | null {
  const types = [...new Set(groups.map((g) => g.device))];
  const late: string[] = [];
  for (const name of types) {
    const t = s.deviceTypes[name];
    if (!t || t.ota.discovery === 'push') return null;
    const firstUs = firstPollAtOrAfterUs(s, t, r.startUs);
    if (firstUs < s.durationUs) return null;
    late.push(
      `${name} devices check for updates every ${fmt(t.ota.checkIntervalUs)} (next check-in after the start at about ${fmt(firstUs)})`,
    );
  }
  return `rollout ${r.firmware.version} reaches no device before the run ends (${fmt(s.durationUs)}): ${late.join('; ')}`;
}

function waveText(r: RolloutConfig, i: number): string {
  const w = r.waves[i];
  if (w?.ratio !== null && w?.ratio !== undefined) return formatRatio(w.ratio);
  const n = w?.count ?? 0;
  return `${n} device${n === 1 ? '' : 's'}`;
}

function waveWarnings(s: ResolvedScenario, r: RolloutConfig): RolloutReach['waves'] {
  const out: RolloutReach['waves'] = [];
  let prev = 0;
  let prevKind = '';
  r.waves.forEach((w, i) => {
    const kind = w.ratio !== null ? 'ratio' : 'count';
    const cut = w.ratio ?? w.count ?? 0;
    const field = `rollout.waves[${i}]`;
    const label = `rollout wave ${i} (${waveText(r, i)})`;
    if (kind !== prevKind) prev = 0; // a share and a count do not compare
    prevKind = kind;
    if (cut <= prev) {
      const why =
        i === 0
          ? 'it is empty'
          : `waves are cumulative and wave ${i - 1} already reaches ${waveText(r, i - 1)}`;
      out.push({ field, text: `${label} adds no device: ${why}` });
    } else if (r.waveIntervalUs !== null && r.waveWhenDoneRatio === null) {
      const startUs = r.startUs + i * r.waveIntervalUs;
      if (i > 0 && startUs >= s.durationUs)
        out.push({
          field,
          text: `${label} starts at ${fmt(startUs)}, after the run ends (${fmt(s.durationUs)})`,
        });
    }
    prev = Math.max(prev, cut);
  });
  return out;
}

export function rolloutReach(s: ResolvedScenario): RolloutReach {
  const r = s.rollout;
  if (r === null) return { reason: null, field: 'rollout', waves: [] };
  const name = `rollout ${r.firmware.version}`;
  if (r.startUs >= s.durationUs) {
    return {
      reason: `${name} starts at ${fmt(r.startUs)}, after the run ends (${fmt(s.durationUs)}): no device is offered it`,
      field: 'rollout.start',
      waves: [],
    };
  }
  const { groups, why } = targetedGroups(s, r);
  if (groups.length === 0)
    return { reason: `${name} selects no device: ${why}`, field: 'rollout.selector', waves: [] };
  const waves = waveWarnings(s, r);
  return { reason: pollReason(s, r, groups), field: 'rollout.start', waves };
}
