// The operator's timeline (`operations`) compiled for the fleet core. WHO: a device is selected by
// a stateless hash of (seed, operation, device id) under a cut (the share, or the cut that takes
// exactly `count` devices), among devices whose type answers commands and matches `who`. WHEN:
// the operator walks the selected devices in the order of their global index at `rate` (as the
// live operator does), so a device's command leaves at `at + rank / rate`. The rank comes from
// the selected devices counted per block of 16 indices (one O(fleet) pass per operation and
// thread), then within the device's block: exact, and the same on every shard and worker.
import { countThreshold } from '../random/count-select.js';
import { hash32 } from '../random/rng.js';
import { CONN_STATES, OTA_STATES } from '../metrics/catalog.js';
import type { OperationConfig, ResolvedScenario, WhoState } from '../scenario/types.js';
import { effectCode, type EffectCode } from './command-effects.js';
import { typeOrder, versionTable } from './params.js';
import { groupLookup } from './rollout-plan.js';

/** Global indices per block of the rank table. */
const BLOCK = 16;
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
  /** The command as sent (a device program's `command` hook gets its name and args). */
  command: { name: string; args: Record<string, unknown> };
  /** Worked out on first use: the hash cut, and the selected devices before each block. */
  cut?: number;
  before?: Uint32Array;
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
    command: { name: o.command.name, args: o.command.args },
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

function selects(
  plan: OperationsPlan,
  op: CompiledOperation,
  seed: number,
  cut: number,
  gid: number,
): boolean {
  const h = hashOf(plan, op, seed, gid);
  return h >= 0 && h / 4294967296 < cut;
}

/** The cut and the rank table of an operation (O(fleet) once per operation and thread). */
function prepare(
  plan: OperationsPlan,
  op: CompiledOperation,
  seed: number,
): { cut: number; before: Uint32Array } {
  if (op.cut !== undefined && op.before !== undefined) return { cut: op.cut, before: op.before };
  const n = plan.fleetDevices;
  const cut =
    op.count >= 0 ? countThreshold(n, op.count, (g) => hashOf(plan, op, seed, g)) : Math.min(1, op.ratio);
  const before = new Uint32Array(Math.ceil(n / BLOCK) + 1);
  let selected = 0;
  for (let g = 0; g < n; g++) {
    if (g % BLOCK === 0) before[g / BLOCK] = selected;
    if (selects(plan, op, seed, cut, g)) selected++;
  }
  before[before.length - 1] = selected;
  op.cut = cut;
  op.before = before;
  return { cut, before };
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
  if (hashOf(plan, op, seed, gid) < 0) return -1;
  const { cut, before } = prepare(plan, op, seed);
  if (!selects(plan, op, seed, cut, gid)) return -1;
  const from = gid - (gid % BLOCK);
  let rank = before[from / BLOCK] as number;
  for (let g = from; g < gid; g++) if (selects(plan, op, seed, cut, g)) rank++;
  return op.atUs + (rank * 1e6) / op.ratePerSec;
}

/** Devices an operation selects in the whole fleet, in global index order (the live operator's list). */
export function selectedDevices(plan: OperationsPlan, op: CompiledOperation, seed: number): number[] {
  const { cut } = prepare(plan, op, seed);
  const out: number[] = [];
  for (let g = 0; g < plan.fleetDevices; g++) if (selects(plan, op, seed, cut, g)) out.push(g);
  return out;
}
