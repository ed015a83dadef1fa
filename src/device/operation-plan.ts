// The operator's timeline (`operations`) compiled for the fleet core. WHO: a device is selected by
// a stateless hash of (seed, operation, device id) under a cut (the share, or the cut that takes
// exactly `count` devices), among devices whose type answers commands and matches `who`. WHEN:
// the operator walks the selected devices in hash order (a per-seed order) at `rate`, so a
// device's command leaves at `at + rank / rate`. The rank comes from the selected hashes counted
// per 16-bit bucket (one O(fleet) pass per operation and thread): exact between buckets, spread
// evenly inside one, the same on every shard and worker.
import { countThreshold } from '../random/count-select.js';
import { hash32 } from '../random/rng.js';
import { CONN_STATES, OTA_STATES } from '../metrics/catalog.js';
import type { OperationConfig, ResolvedScenario, WhoState } from '../scenario/types.js';
import { effectCode, type EffectCode } from './command-effects.js';
import { typeOrder, versionTable } from './params.js';
import { groupLookup } from './rollout-plan.js';

const BUCKETS = 65_536;
/** Hash keys of operations, apart from the faults' (index × 65,536 + occurrence + 1). */
const KEY_BASE = 0xc0de0000;

export interface CompiledOperation {
  /** Index in the scenario's `operations` (hash key, outcome naming). */
  index: number;
  name: string;
  atUs: number;
  ratePerSec: number;
  timeoutUs: number;
  /** By type index: the type answers commands and `who` names it. By firmware index: `who` names it. */
  types: boolean[];
  versions: boolean[];
  /** `who.state` by connectivity / OTA state index, checked when the device's command leaves; null: any. */
  conn: boolean[] | null;
  ota: boolean[] | null;
  ratio: number;
  /** Exact count over the whole fleet, or -1. */
  count: number;
  /** By type index: what the command does there, and its QoS (the operation's, or the type's). */
  effects: EffectCode[];
  qos: number[];
  intervalUs: number | null;
  /** Worked out on first use: the hash cut and the selected devices below each bucket. */
  cut?: number;
  below?: Uint32Array;
}

export interface OperationsPlan {
  /** By start time, then scenario order: the order a device takes its commands in. */
  ops: CompiledOperation[];
  fleetDevices: number;
  lookup: (gid: number) => { type: number; fw: number };
}

function compileOperation(s: ResolvedScenario, o: OperationConfig, index: number): CompiledOperation {
  const types = typeOrder(s);
  const w = o.who;
  const typeOf = (n: string) => s.deviceTypes[n];
  return {
    index,
    name: o.name,
    atUs: o.atUs,
    ratePerSec: o.ratePerSec,
    timeoutUs: o.timeoutUs,
    types: types.map(
      (t) => (typeOf(t)?.commands ?? null) !== null && (w.deviceTypes === null || w.deviceTypes.includes(t)),
    ),
    versions: versionTable(s).map((v) => w.firmwareVersions === null || w.firmwareVersions.includes(v)),
    conn: w.states === null ? null : CONN_STATES.map((st) => w.states?.includes(st) === true),
    ota:
      w.states === null ? null : OTA_STATES.map((st) => w.states?.includes(`ota.${st}` as WhoState) === true),
    ratio: w.ratio ?? 1,
    count: w.count ?? -1,
    effects: types.map((t) => effectCode(typeOf(t)?.commands?.actions[o.command.name])),
    qos: types.map((t) => o.command.qos ?? typeOf(t)?.commands?.qos ?? 0),
    intervalUs: o.command.intervalUs,
  };
}

export function compileOperations(s: ResolvedScenario): OperationsPlan | null {
  const list = s.operations ?? [];
  if (list.length === 0) return null;
  const ops = list.map((o, i) => compileOperation(s, o, i));
  ops.sort((a, b) => a.atUs - b.atUs || a.index - b.index);
  return { ops, fleetDevices: s.fleet.reduce((n, g) => n + g.count, 0), lookup: groupLookup(s) };
}

function hashOf(plan: OperationsPlan, op: CompiledOperation, seed: number, gid: number): number {
  const { type, fw } = plan.lookup(gid);
  return op.types[type] === true && op.versions[fw] === true ? hash32(seed, KEY_BASE + op.index, gid) : -1;
}

/** The cut and the per-bucket ranks of an operation (O(fleet) once per operation and thread). */
function prepare(
  plan: OperationsPlan,
  op: CompiledOperation,
  seed: number,
): { cut: number; below: Uint32Array } {
  if (op.cut !== undefined && op.below !== undefined) return { cut: op.cut, below: op.below };
  const n = plan.fleetDevices;
  const cut =
    op.count >= 0 ? countThreshold(n, op.count, (g) => hashOf(plan, op, seed, g)) : Math.min(1, op.ratio);
  const counts = new Uint32Array(BUCKETS + 1);
  for (let g = 0; g < n; g++) {
    const h = hashOf(plan, op, seed, g);
    if (h >= 0 && h / 4294967296 < cut) counts[(h >>> 16) + 1] = (counts[(h >>> 16) + 1] as number) + 1;
  }
  for (let b = 1; b <= BUCKETS; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number);
  op.cut = cut;
  op.below = counts;
  return { cut, below: counts };
}

/**
 * When the operator's command of `op` leaves for device `gid` (µs), or -1 when `op` does not
 * select it. The device's current state (`who.state`) is checked when it leaves.
 */
export function commandSendAt(
  plan: OperationsPlan,
  op: CompiledOperation,
  seed: number,
  gid: number,
): number {
  const h = hashOf(plan, op, seed, gid);
  if (h < 0) return -1;
  const { cut, below } = prepare(plan, op, seed);
  if (h / 4294967296 >= cut) return -1;
  const b = h >>> 16;
  const from = below[b] as number;
  const inBucket = (below[b + 1] as number) - from;
  const rank = from + Math.floor((inBucket * (h & 0xffff)) / 65_536);
  return op.atUs + (rank * 1e6) / op.ratePerSec;
}

/** Devices an operation selects in the whole fleet (the operator's publishes, for the report). */
export function selectedCount(plan: OperationsPlan, op: CompiledOperation, seed: number): number {
  return prepare(plan, op, seed).below[BUCKETS] as number;
}
