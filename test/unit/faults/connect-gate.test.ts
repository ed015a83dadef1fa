// The connection-rate gate with an injected clock and timers: what the rate allowed while the
// event loop was busy goes through when it wakes (a capped bucket lost it); an idle gate saves
// up no more than its burst.
import { describe, expect, it } from 'vitest';
import type { TimerHandle, Timers } from '../../../src/clock/real-clock.js';
import { ConnectGate } from '../../../src/faults/proxy/connect-gate.js';

/** Timers that fire only when the test says the event loop got round to them. */
function manualTimers(): Timers & { fire(): void } {
  let pending: (() => void) | null = null;
  return {
    setTimeout: (fn) => {
      pending = fn;
      return 1 as unknown as TimerHandle;
    },
    clearTimeout: () => void (pending = null),
    setInterval: () => 0 as unknown as TimerHandle,
    clearInterval: () => undefined,
    fire() {
      const fn = pending;
      pending = null;
      fn?.();
    },
  };
}

/** Offers `count` clients that stay while waiting; returns the indices passed so far (it grows). */
function admitStaying(gate: ConnectGate, count: number): number[] {
  const passed: number[] = [];
  for (let i = 0; i < count; i++)
    gate.admit(
      () => passed.push(i),
      () => false,
    );
  return passed;
}

describe('connect gate', () => {
  it('a late wake lets through what the rate allowed meanwhile, in arrival order', () => {
    let now = 0;
    const timers = manualTimers();
    const gate = new ConnectGate(timers, () => now);
    gate.setRate(100, 1);
    const passed = admitStaying(gate, 100);
    expect(passed).toEqual([0]); // the one token of the burst
    now = 500; // the loop was busy for half a second: 50 tokens earned
    timers.fire();
    expect(passed).toEqual([...Array(51).keys()]);
    expect(gate.stats()).toEqual({ delayed: 99, spent: 0, queued: 49 });
  });

  it('an idle gate saves up its burst, no more', () => {
    let now = 0;
    const timers = manualTimers();
    const gate = new ConnectGate(timers, () => now);
    gate.setRate(10, 5);
    now = 60_000;
    const passed = admitStaying(gate, 20);
    expect(passed).toHaveLength(5);
  });

  it('a client gone while waiting spends its turn', () => {
    let now = 0;
    const timers = manualTimers();
    const gate = new ConnectGate(timers, () => now);
    gate.setRate(10, 1);
    const passed: number[] = [];
    gate.admit(
      () => passed.push(0),
      () => false,
    );
    gate.admit(
      () => passed.push(1),
      () => true,
    );
    gate.admit(
      () => passed.push(2),
      () => false,
    );
    now = 200;
    timers.fire();
    expect(passed).toEqual([0, 2]);
    expect(gate.stats().spent).toBe(1);
  });
});
