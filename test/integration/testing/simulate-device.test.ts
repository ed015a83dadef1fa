// fleetstorm/testing's simulateDevice on the engine: a program given by path is bundled and
// instrumented like a run's (so a runaway is stopped by the budget), failures come back with
// their stacks while the device goes on, and the same seed gives the same device life.
import { describe, expect, it } from 'vitest';
import { defineDevice } from '../../../src/program/api.js';
import { simulateDevice } from '../../../src/testing/index.js';

describe('simulateDevice', () => {
  it('reports the exceptions of a program given by path, and the device goes on', async () => {
    const sim = await simulateDevice('test/fixtures/programs/throws.ts', { hours: 1 });
    // ticks at 1..59 minutes: the odd ones publish, the even ones throw
    expect(sim.published).toHaveLength(30);
    expect(sim.counters.program_errors_total).toBe(29);
    expect(sim.errors.length).toBeGreaterThan(0);
    expect(sim.errors[0]).toMatchObject({ kind: 'error', hook: 'interval' });
    expect(sim.errors[0]!.stack).toContain('sensor bus fault at tick 2');
    expect(sim.errors[0]!.stack).toContain('test/fixtures/programs/throws.ts'); // the user's file
  });

  it('stops a runaway callback by its budget and switches the program off', async () => {
    const sim = await simulateDevice('test/fixtures/programs/runaway.ts', { hours: 1, budget: '20ms' });
    expect(sim.counters.program_runaways_total).toBe(1);
    expect(sim.errors).toEqual([expect.objectContaining({ kind: 'runaway', hook: 'interval' })]);
    expect(sim.published).toEqual([]); // device 0 looped, then ran without its program
  });

  it('gives the same device life for the same seed, and another for another seed', async () => {
    const program = defineDevice({
      telemetry: false,
      sensors: { t: { normal: { mean: 20, stddev: 2, decimals: 2 } } },
      boot(dev) {
        setInterval(() => dev.publish('x', { t: dev.sensor('t'), r: dev.random(), at: Date.now() }), 600_000);
      },
    });
    const texts = async (seed: number): Promise<string[]> =>
      (await simulateDevice(program, { hours: 2, seed })).published.map((p) => p.text());
    const a = await texts(7);
    expect(a).toHaveLength(11);
    expect(await texts(7)).toEqual(a);
    expect(await texts(8)).not.toEqual(a);
  });

  it('loses RAM but not flash in a power loss, and records every hook with its arguments', async () => {
    const program = defineDevice({
      telemetry: false,
      state: () => ({ booted: 0 }),
      boot(dev) {
        dev.state.booted++;
        dev.flash.set('boots', (dev.flash.get<number>('boots') ?? 0) + 1);
      },
      powerLoss(dev) {
        dev.log('warn', `power lost after ${dev.now()} ms`);
      },
    });
    const sim = await simulateDevice(program, {
      hours: 1,
      faults: [{ type: 'power-loss', at: '30m', duration: '1m' }],
    });
    // the hooks the program has, in the order the engine called them
    expect(sim.hooks.map((h) => h.hook)).toEqual(['boot', 'powerLoss', 'boot']);
    expect(sim.logs.map((l) => [l.level, l.message.startsWith('power lost after')])).toEqual([
      ['warn', true],
    ]);
    // the second boot comes after the minute without power
    expect(sim.hookCalls('boot')[1]!.atMs).toBeGreaterThanOrEqual(31 * 60_000);
    expect(sim.state).toEqual({ booted: 1 });
    expect(sim.flash).toEqual({ boots: 2 });
    expect(sim.flashWear('boots')).toBe(2);
  });
});
