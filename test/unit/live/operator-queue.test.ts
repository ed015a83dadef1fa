// The live operator's send queue: sends come out by intended time (then connection id), only
// those due strictly before the window's end, and the sent ids come back oldest first.
import { describe, expect, it } from 'vitest';
import { OperatorQueue } from '../../../src/live/operator-queue.js';

describe('OperatorQueue', () => {
  it('walks the sends in time order, due before the window end only', () => {
    const q = new OperatorQueue();
    q.add(300, 7);
    q.add(100, 9);
    q.add(100, 2);
    q.add(200, 4);
    q.sort();
    const out: [number, number][] = [];
    while (q.hasDue(300)) {
      out.push([q.nextAt(), q.nextId()]);
      q.advance();
    }
    expect(out).toEqual([
      [100, 2],
      [100, 9],
      [200, 4],
    ]);
    expect(q.hasDue(300)).toBe(false); // 300 belongs to the next window
    expect(q.hasDue(301)).toBe(true);
  });

  it('hands back the sent ids oldest first', () => {
    const q = new OperatorQueue();
    for (const cid of ['0:1', '0:2', '0:3']) q.sent(cid);
    expect(q.oldestSent()).toBe('0:1');
    q.dropOldest();
    q.dropOldest();
    expect(q.oldestSent()).toBe('0:3');
    q.dropOldest();
    expect(q.oldestSent()).toBeNull();
  });
});
