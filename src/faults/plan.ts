// Faults compiled for the fleet core: WHAT (type, parameters) kept apart from WHEN (timed
// occurrences, or `during` a device state) and WHO (a selector). Timed occurrences become
// boundaries at which every shard applies the fault to its own devices; `during` faults are
// drawn per device each time it enters the state.
import { indexMap } from '../metrics/index-of.js';
import type { DuringState, FaultConfig, FaultType, ResolvedScenario } from '../scenario/types.js';
import { DURING_STATES } from '../scenario/types.js';
import { typeOrder, versionTable } from '../device/params.js';
import { C, type CounterName } from '../metrics/catalog.js';

export interface CompiledWho {
  ratio: number;
  /** Exact count per whole fleet, or -1 (ratio applies). */
  count: number;
  /** Indexed by device type index / firmware version index. */
  types: boolean[];
  versions: boolean[];
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
}

export interface FaultPlan {
  faults: CompiledFault[];
  /** Timed occurrences sorted by start, then fault order. */
  timed: Occurrence[];
  /** By DURING_STATES index: faults drawn when a device enters that state. */
  during: CompiledFault[][];
}

function compileWho(f: FaultConfig, types: string[], versions: string[], devices: number): CompiledWho {
  const w = f.who;
  return {
    ratio: w.ratio ?? (w.count !== null ? Math.min(1, w.count / Math.max(1, devices)) : 1),
    count: w.count ?? -1,
    types: types.map((t) => w.deviceTypes === null || w.deviceTypes.includes(t)),
    versions: versions.map((v) => w.firmwareVersions === null || w.firmwareVersions.includes(v)),
  };
}

export function compileFaults(s: ResolvedScenario, devices: number): FaultPlan {
  const types = typeOrder(s);
  const versions = versionTable(s);
  const faults: CompiledFault[] = s.faults.map((f, index) => ({
    index,
    id: f.id,
    type: f.type,
    counter: C[`faults_injected_total{type="${f.type}"}` as CounterName],
    who: compileWho(f, types, versions, devices),
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
    const first = f.atUs ?? 0;
    for (let n = 0, at = first; at < s.durationUs && n < 100_000; n++) {
      timed.push({ fault: cf, n, startUs: at, endUs: at + f.durationUs.max });
      if (f.everyUs === null || f.everyUs <= 0) break;
      at += f.everyUs;
    }
  });
  timed.sort((a, b) => a.startUs - b.startUs || a.fault.index - b.fault.index || a.n - b.n);
  return { faults, timed, during };
}

export const DURING = indexMap(DURING_STATES);

/** Faults that act on the backend as a whole, rather than on selected devices. */
export function isBackendWide(type: FaultType): boolean {
  return type === 'backend-outage' || type === 'backend-slow' || type === 'broker-reject';
}
