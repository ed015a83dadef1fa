// `telemetry.at` / `cron`, `telemetry.buffer` and `clock` as written → what the fleet core uses.
import { describe, expect, it } from 'vitest';
import { slotsUpTo, nextSlot } from '../../../src/device/schedule.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import {
  DAY_US,
  resolveBuffer,
  resolveClock,
  resolveSchedule,
} from '../../../src/scenario/resolve-schedule.js';

const at = (p: string): string => `device types.x.telemetry.${p}`;
const H = 3600e6;
const M = 60e6;

function offsets(input: { at?: string | string[]; cron?: string }): number[] {
  return resolveSchedule({ ...input, jitter: '0s' }, at)?.offsetsUs ?? [];
}

describe('aligned schedules', () => {
  it('`:00`, `*:15`, `06:30` and lists', () => {
    expect(offsets({ at: ':00' })).toEqual(Array.from({ length: 24 }, (_, h) => h * H));
    expect(offsets({ at: '*:15' })[1]).toBe(H + 15 * M);
    expect(offsets({ at: '06:30' })).toEqual([6 * H + 30 * M]);
    expect(offsets({ at: [':30', ':00'] }).slice(0, 3)).toEqual([0, 30 * M, H]);
    expect(offsets({ at: ':00:30' })[0]).toBe(30e6);
  });

  it('cron minute and hour fields', () => {
    expect(offsets({ cron: '0 * * * *' })).toEqual(offsets({ at: ':00' }));
    expect(offsets({ cron: '*/15 8 * * *' })).toEqual([0, 15, 30, 45].map((m) => 8 * H + m * M));
    expect(offsets({ cron: '5,10 0,12 * * *' })).toEqual([5 * M, 10 * M, 12 * H + 5 * M, 12 * H + 10 * M]);
  });

  it('neither: the interval; jitter becomes the splay', () => {
    expect(resolveSchedule({ jitter: '0s' }, at)).toBeNull();
    expect(resolveSchedule({ at: ':00', jitter: '20s' }, at)?.splayUs).toBe(20e6);
  });

  it('mistakes are ToolErrors naming the field', () => {
    for (const bad of [
      { at: '7' },
      { at: ':61' },
      { at: '24:00' },
      { cron: '0 * * *' },
      { cron: '0 * 1 * *' },
      { cron: '61 * * * *' },
    ]) {
      let err: unknown;
      try {
        offsets(bad);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).toBeInstanceOf(ToolError);
      expect((err as ToolError).where).toMatch(/telemetry\.(at|cron)$/);
    }
    expect(() => offsets({ at: ':00', cron: '0 * * * *' })).toThrow(ToolError);
  });

  it('slots: counted from the epoch, the next one strictly after', () => {
    const o = Float64Array.from(offsets({ at: ':00' }));
    expect(slotsUpTo(o, 0)).toBe(1);
    expect(slotsUpTo(o, H - 1)).toBe(1);
    expect(slotsUpTo(o, DAY_US + 2 * H)).toBe(27);
    expect(slotsUpTo(o, -1)).toBe(0); // a slow clock before midnight
    expect(nextSlot(o, 0)).toBe(H);
    expect(nextSlot(o, 23 * H + 1)).toBe(DAY_US);
    expect(nextSlot(o, -5e6)).toBe(0);
  });
});

describe('buffer and clock', () => {
  it('resolves the buffer and the drift bound', () => {
    expect(resolveBuffer({ capacity: 5, 'when-full': 'drop-newest', 'flush-rate': '120/min' }, at)).toEqual({
      capacity: 5,
      dropOldest: false,
      flushPerSec: 2,
    });
    expect(resolveBuffer(undefined, at)).toBeNull();
    expect(resolveClock({ drift: '±50ppm', 'since-sync': '7d' }, at)).toEqual({
      driftPpm: 50,
      sinceSyncUs: 7 * DAY_US,
    });
    expect(() => resolveClock({ drift: '50%', 'since-sync': '0s' }, at)).toThrow(ToolError);
  });
});

describe('telemetry with a schedule', () => {
  const doc = (telemetry: Record<string, unknown>) => ({
    name: 'x',
    duration: '1h',
    fleet: [{ device: { name: 'm', extends: 'gateway', telemetry }, count: 1 }],
  });

  it('jitter is the splay: it may exceed the unused interval, not the gap between slots', async () => {
    const s = await resolveScenarioObject(doc({ at: ':00', jitter: '20m' }), 'x', { env: {} });
    expect(s.deviceTypes.m?.telemetry.schedule?.splayUs).toBe(20 * M);
    expect(s.deviceTypes.m?.telemetry.jitterUs).toBe(0);
    await expect(
      resolveScenarioObject(doc({ cron: '*/5 * * * *', jitter: '5m' }), 'x', { env: {} }),
    ).rejects.toThrow(/below the gap between two of them/);
  });

  it('at / cron and buffer take a single stream', async () => {
    for (const t of [{ at: ':00' }, { buffer: { capacity: 5 } }])
      await expect(
        resolveScenarioObject(doc({ ...t, streams: [{ interval: '1m' }, { interval: '5m' }] }), 'x', {
          env: {},
        }),
      ).rejects.toThrow(ToolError);
  });
});
