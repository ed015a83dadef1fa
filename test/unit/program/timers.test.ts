// Program timers in the shard's timer table: a device's timers fire earliest first (ties: the one
// set first), intervals move on by their period, clearTimeout takes a handle or its number and
// only touches the calling device's timers, and a device with more timers than its slots behaves
// the same (checked against a plain list of timers, the table's reference model).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLOTS, TimerTable, VTimer, handleSeq } from '../../../src/program/timers.js';

const noop = (): void => undefined;

/** Fires device d's timers due by t as the host does; returns the seqs in firing order. */
function fireAll(table: TimerTable, d: number, t: number, seqOf: Map<unknown, number>): number[] {
  const fired: number[] = [];
  let k: number;
  while ((k = table.earliest(d, t)) >= 0) {
    table.take(d, k);
    fired.push(seqOf.get(table.args) ?? -1);
  }
  return fired;
}

interface RefTimer {
  atUs: number;
  periodUs: number;
  seq: number;
}

describe('program timer table', () => {
  it('fires earliest first, ties in set order, intervals repeat, messages are labelled', () => {
    const t = new TimerTable(3);
    const a = t.add(1, 2000, 0, noop, undefined);
    const b = t.add(1, 1000, 1000, noop, undefined);
    const c = t.add(1, 2000, 0, noop, undefined);
    t.addMessage(1, 2000, noop, ['m']);
    expect([a, b, c]).toEqual([1, 2, 3]);
    const order: [number, string][] = [];
    let k: number;
    while ((k = t.earliest(1, 2000)) >= 0) {
      t.take(1, k);
      order.push([t.nextDue(1), t.label]);
    }
    // b at 1000 (moves to 2000), a (seq 1), b again (seq 2, moves to 3000), c, the message
    expect(order.map(([, label]) => label)).toEqual(['interval', 'timer', 'interval', 'timer', 'message']);
    expect(t.nextDue(1)).toBe(3000);
    expect(t.nextDue(0)).toBe(Infinity);
    expect(t.earliest(0, 1e12)).toBe(-1);
  });

  it('clears by handle or by number, only on the device given; clear() drops them all', () => {
    const t = new TimerTable(2);
    const s1 = t.add(0, 5000, 0, noop, undefined);
    const s2 = t.add(0, 6000, 0, noop, undefined);
    t.remove(1, s1); // another device: no effect
    expect(t.nextDue(0)).toBe(5000);
    t.remove(0, handleSeq(new VTimer(s1)));
    expect(t.nextDue(0)).toBe(6000);
    t.remove(0, handleSeq(String(s2)));
    expect(t.nextDue(0)).toBe(Infinity);
    for (let i = 0; i < SLOTS + 3; i++) t.add(0, 100 + i, 0, noop, undefined);
    expect(t.nextDue(0)).toBe(100);
    t.clear(0);
    expect(t.nextDue(0)).toBe(Infinity);
    expect(t.earliest(0, 1e12)).toBe(-1);
  });

  it('matches a plain list of timers, spilled past the slots or not', () => {
    // few distinct due times (ties), and more adds than removes (more timers than slots)
    const device = fc.integer({ min: 0, max: 1 });
    const op = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          d: device,
          delayUs: fc.integer({ min: 0, max: 2 }).map((x) => x * 1000),
          periodUs: fc.constantFrom(0, 1000, 2000),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('remove' as const), d: device, pick: fc.nat() }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('fire' as const),
          d: device,
          stepUs: fc.integer({ min: 0, max: 2 }).map((x) => x * 1000),
        }),
      },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const table = new TimerTable(3);
        const ref: RefTimer[][] = [[], [], []];
        const seqOf = new Map<unknown, number>();
        let nowUs = 0;
        for (const o of ops) {
          const list = ref[o.d] as RefTimer[];
          if (o.kind === 'add') {
            const args = [o.d];
            const seq = table.add(o.d, nowUs + o.delayUs, o.periodUs, noop, args);
            seqOf.set(args, seq);
            list.push({ atUs: nowUs + o.delayUs, periodUs: o.periodUs, seq });
          } else if (o.kind === 'remove') {
            if (list.length === 0) continue;
            const i = o.pick % list.length;
            table.remove(o.d, (list[i] as RefTimer).seq);
            list.splice(i, 1);
          } else {
            nowUs += o.stepUs;
            const expected: number[] = [];
            for (;;) {
              let best: RefTimer | null = null;
              for (const r of list)
                if (
                  r.atUs <= nowUs &&
                  (best === null || r.atUs < best.atUs || (r.atUs === best.atUs && r.seq < best.seq))
                )
                  best = r;
              if (best === null) break;
              expected.push(best.seq);
              if (best.periodUs > 0) best.atUs += best.periodUs;
              else list.splice(list.indexOf(best), 1);
            }
            expect(fireAll(table, o.d, nowUs, seqOf)).toEqual(expected);
          }
          for (let d = 0; d < 3; d++)
            expect(table.nextDue(d)).toBe(Math.min(Infinity, ...(ref[d] as RefTimer[]).map((r) => r.atUs)));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
