// Faults compiled for the fleet core: WHAT (type, parameters) kept apart from WHEN (timed
// occurrences, or `during` a device state) and WHO (a selector). Timed occurrences become
// boundaries at which every shard applies the fault to its own devices; `during` faults are
// drawn per device each time it enters the state. `when` faults have no occurrences until their
// metric condition holds at a barrier: then triggerFault adds them, in every worker alike.
import { indexMap } from '../metrics/index-of.js';
import type { DuringState, FaultConfig, FaultType, ResolvedScenario, WhoState } from '../scenario/types.js';
import { DURING_STATES } from '../scenario/types.js';
import { typeOrder, versionTable } from '../device/params.js';
import { groupLookup } from '../device/rollout-plan.js';
import { C, CONN_STATES, OTA_STATES, type CounterName } from '../metrics/catalog.js';
import type { SiteWho } from '../topology/types.js';

export interface CompiledWho {
  /**
   * Share of the matching devices hit. A timed count fault draws exactly `count` instead (see
   * Occurrence.threshold); a `during` count fault hits each device entering the state with
   * probability count / fleet size.
   */
  ratio: number;
  /** Exact count per whole fleet, or -1 (ratio applies). */
  count: number;
  /** Indexed by device type index / firmware version index. */
  types: boolean[];
  versions: boolean[];
  /** `who.state`, by connectivity / OTA state index; null: any state. */
  conn: boolean[] | null;
  ota: boolean[] | null;
  /** `who.sites`: whole sites are drawn (src/topology/site-faults.ts); null: devices one by one. */
  sites: SiteWho | null;
}

export interface CompiledFault {
  index: number;
  id: string;
  type: FaultType;
  /** Index of faults_injected_total{type} in the counter catalogue. */
  counter: number;
  who: CompiledWho;
  durMinUs: number;
  durMaxUs: number;
  params: FaultConfig['params'];
}

export interface Occurrence {
  fault: CompiledFault;
  /** Occurrence number (for `every`), part of the selection hash. */
  n: number;
  startUs: number;
  /** End of a fleet-wide condition (outage, slow, reject, degrade); per-device lengths vary. */
  endUs: number;
  /**
   * Count faults: the hash threshold under which exactly `who.count` devices of the whole fleet
   * fall (countThreshold over their type and initial firmware), worked out on first use.
   */
  threshold?: number;
}

export interface FaultPlan {
  /** Devices in the whole fleet (every shard), and each one's type and initial firmware. */
  fleetDevices: number;
  lookup: (gid: number) => { type: number; fw: number };
  faults: CompiledFault[];
  /** Timed occurrences sorted by start, then fault order. */
  timed: Occurrence[];
  /** By DURING_STATES index: faults drawn when a device enters that state. */
  during: CompiledFault[][];
  /** `when` faults (by index) whose occurrences have been added. */
  triggered: Set<number>;
}

/**
 * Start times of a fault's occurrences from `firstUs` (`every` repeats it) before the run ends.
 * The timeline and the plan both use it, so they always agree.
 */
export function occurrenceStarts(f: FaultConfig, firstUs: number, runUs: number): number[] {
  const out: number[] = [];
  for (let n = 0, at = firstUs; at < runUs && n < 100_000; n++) {
    out.push(at);
    if (f.everyUs === null || f.everyUs <= 0) break;
    at += f.everyUs;
  }
  return out;
}

function sortTimed(timed: Occurrence[]): void {
  timed.sort((a, b) => a.startUs - b.startUs || a.fault.index - b.fault.index || a.n - b.n);
}

/** Adds the occurrences of `when` fault `index`, whose condition held at `atUs` (once). */
export function triggerFault(plan: FaultPlan, s: ResolvedScenario, index: number, atUs: number): void {
  const f = s.faults[index];
  const cf = plan.faults[index];
  if (!f || !cf || f.when === null || plan.triggered.has(index)) return;
  plan.triggered.add(index);
  occurrenceStarts(f, atUs, s.durationUs).forEach((at, n) =>
    plan.timed.push({ fault: cf, n, startUs: at, endUs: at + f.durationUs.max }),
  );
  sortTimed(plan.timed);
}

function compileWho(f: FaultConfig, types: string[], versions: string[], fleet: number): CompiledWho {
  const w = f.who;
  return {
    ratio: w.ratio ?? (w.count !== null ? Math.min(1, w.count / Math.max(1, fleet)) : 1),
    count: w.count ?? -1,
    types: types.map((t) => w.deviceTypes === null || w.deviceTypes.includes(t)),
    versions: versions.map((v) => w.firmwareVersions === null || w.firmwareVersions.includes(v)),
    conn: w.states === null ? null : CONN_STATES.map((st) => w.states?.includes(st) === true),
    ota:
      w.states === null ? null : OTA_STATES.map((st) => w.states?.includes(`ota.${st}` as WhoState) === true),
    sites: w.sites ?? null,
  };
}

export function compileFaults(s: ResolvedScenario): FaultPlan {
  const types = typeOrder(s);
  const versions = versionTable(s);
  const fleetDevices = s.fleet.reduce((n, g) => n + g.count, 0);
  const faults: CompiledFault[] = s.faults.map((f, index) => ({
    index,
    id: f.id,
    type: f.type,
    counter: C[`faults_injected_total{type="${f.type}"}` as CounterName],
    who: compileWho(f, types, versions, fleetDevices),
    durMinUs: f.durationUs.min,
    durMaxUs: f.durationUs.max,
    params: f.params,
  }));
  const timed: Occurrence[] = [];
  const during: CompiledFault[][] = DURING_STATES.map(() => []);
  s.faults.forEach((f, i) => {
    const cf = faults[i] as CompiledFault;
    if (f.during !== null) {
      (during[DURING_STATES.indexOf(f.during as DuringState)] as CompiledFault[]).push(cf);
      return;
    }
    if (f.when !== null) return; // triggerFault adds its occurrences
    occurrenceStarts(f, f.atUs ?? 0, s.durationUs).forEach((at, n) =>
      timed.push({ fault: cf, n, startUs: at, endUs: at + f.durationUs.max }),
    );
  });
  sortTimed(timed);
  return { fleetDevices, lookup: groupLookup(s), faults, timed, during, triggered: new Set() };
}

export const DURING = indexMap(DURING_STATES);

/** Faults that act on the backend as a whole, rather than on selected devices. */
export function isBackendWide(type: FaultType): boolean {
  return type === 'backend-outage' || type === 'backend-slow' || type === 'broker-reject';
}
