// `device.flash` is a view made on each access over the store the device keeps from its first
// write (src/program/flash.ts): views taken before a write, after it, and across a reboot must
// all read and count the same flash, and reading an empty flash must not create one.
import { describe, expect, it } from 'vitest';
import { defineDevice, type Flash } from '../../../src/program/api.js';
import { simulateDevice } from '../../../src/testing/index.js';

describe('device flash views', () => {
  it('share one store per device, whichever view wrote, and keep it across a reboot', async () => {
    const seen: { booted: number; early: number | undefined; writes: number; keys: string[] }[] = [];
    const program = defineDevice({
      telemetry: false,
      state: () => ({ kept: null as Flash | null }),
      boot(dev) {
        const early = dev.flash; // taken before any write of this boot
        const boots = (dev.flash.get<number>('boots') ?? 0) + 1;
        seen.push({
          booted: boots,
          early: early.get<number>('boots'),
          writes: early.writes,
          keys: early.keys(),
        });
        if (boots === 1) {
          expect(dev.flash.has('boots')).toBe(false);
          expect(dev.flash.writes).toBe(0);
        }
        early.set('boots', boots); // written through the early view...
        expect(dev.flash.get<number>('boots')).toBe(boots); // ...read through a new one
        dev.state.kept = early;
        if (boots < 3) setTimeout(() => dev.reboot(), 60_000);
      },
    });
    const sim = await simulateDevice(program, { hours: 1 });
    expect(seen).toEqual([
      { booted: 1, early: undefined, writes: 0, keys: [] },
      { booted: 2, early: 1, writes: 1, keys: ['boots'] },
      { booted: 3, early: 2, writes: 2, keys: ['boots'] },
    ]);
    expect(sim.flash).toEqual({ boots: 3 });
    expect(sim.flashWrites).toBe(3);
    expect(sim.flashWear('boots')).toBe(3);
    expect(sim.errors).toEqual([]);
  });
});
