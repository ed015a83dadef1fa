// The modelled operator's schedule: who is selected, and when each command leaves.
import { describe, expect, it } from 'vitest';
import {
  commandSendAt,
  compileOperations,
  selectedDevices,
  type CompiledOperation,
  type OperationsPlan,
} from '../../../src/device/operation-plan.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

async function planOf(who: unknown, extra: Record<string, unknown>[] = []): Promise<OperationsPlan> {
  const cmd = { topic: 'devices/{id}/cmd' };
  const doc = {
    name: 'operation-plan',
    seed: 9,
    duration: '1h',
    fleet: [
      { device: { name: 'a', extends: 'gateway', commands: cmd }, count: 700 },
      { device: { name: 'b', extends: 'gateway' }, count: 300 },
    ],
    operations: [{ at: '10m', command: { name: 'ping' }, who, rate: '50/s' }, ...extra],
  };
  const s = await resolveScenarioObject(doc, 'operation-plan (in memory)', { env: {} });
  const plan = compileOperations(s);
  if (!plan) throw new Error('no plan');
  return plan;
}

const op0 = (p: OperationsPlan): CompiledOperation => p.ops[0] as CompiledOperation;

describe('operation plan', () => {
  it('paces the selected devices at `rate` from `at`, in global index order', async () => {
    const plan = await planOf('40%');
    const sends: [number, number][] = [];
    for (let g = 0; g < plan.fleetDevices; g++) {
      const at = commandSendAt(plan, op0(plan), 9, g);
      if (at >= 0) sends.push([g, at]);
    }
    expect(sends.map(([g]) => g)).toEqual(selectedDevices(plan, op0(plan), 9));
    // one every 20 ms from 10 minutes, no gap, no two at once
    sends.forEach(([, at], k) => expect(at).toBe(600e6 + k * 20_000));
    expect(sends.length).toBeGreaterThan(200);
    expect(sends.length).toBeLessThan(360);
  });

  it('selects only devices whose type answers commands; `count` is exact', async () => {
    const plan = await planOf({ count: 123 });
    const chosen = selectedDevices(plan, op0(plan), 9);
    expect(chosen).toHaveLength(123);
    for (const g of chosen) expect(plan.lookup(g).type).toBe(0); // type `a`, the one with commands
  });

  it('another seed picks other devices; operations are ordered by start', async () => {
    const plan = await planOf('10%', [{ at: '5m', command: { name: 'ping' } }]);
    expect(plan.ops.map((o) => o.index)).toEqual([1, 0]);
    const op = plan.ops[1] as CompiledOperation;
    expect(selectedDevices(plan, op, 9)).not.toEqual(
      selectedDevices(plan, { ...op, cut: undefined, before: undefined }, 10),
    );
  });
});
