// The meetings of --processes N: the hub answers once every child arrived or exited, with the sum
// of the children's acknowledged publishes at the end; a child's pipe side reads the answer.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  END_WAIT_MS,
  parseSyncLine,
  pipeSync,
  SyncHub,
  syncLine,
  type SyncMessage,
} from '../../../src/app/shard-sync.js';
import type { Timers } from '../../../src/clock/real-clock.js';

function hub(n: number): { hub: SyncHub; sent: [number, SyncMessage][]; starts: () => number } {
  const sent: [number, SyncMessage][] = [];
  let starts = 0;
  const h = new SyncHub(
    n,
    (i, m) => sent.push([i, m]),
    () => starts++,
  );
  return { hub: h, sent, starts: () => starts };
}

describe('SyncHub', () => {
  it('lets the children start once all are ready, and sums their acks at the end', () => {
    const { hub: h, sent, starts } = hub(3);
    h.arrive(0, { at: 'start' });
    h.arrive(2, { at: 'start' });
    expect(sent).toEqual([]);
    h.arrive(1, { at: 'start' });
    expect(sent.map(([i]) => i).sort()).toEqual([0, 1, 2]);
    expect(starts()).toBe(1);
    sent.length = 0;
    h.arrive(1, { at: 'end', acked: 10 });
    h.arrive(0, { at: 'end', acked: 5 });
    h.arrive(2, { at: 'end', acked: 7 });
    expect(sent).toContainEqual([0, { at: 'end', acked: 22 }]);
    expect(sent).toHaveLength(3);
  });

  it('does not wait for a child that exited, before or at a meeting', () => {
    const { hub: h, sent } = hub(3);
    h.exited(2); // crashed during its setup
    h.arrive(0, { at: 'start' });
    h.arrive(1, { at: 'start' });
    expect(sent.map(([i]) => i).sort()).toEqual([0, 1]);
    sent.length = 0;
    h.arrive(0, { at: 'end', acked: 4 });
    h.exited(1); // interrupted before its end
    expect(sent).toEqual([[0, { at: 'end', acked: 4 }]]);
  });
});

describe('pipeSync', () => {
  it('writes its line and resolves with the parent answer', async () => {
    const input = new PassThrough();
    const lines: string[] = [];
    const sync = pipeSync(input, (l) => lines.push(l));
    const started = sync.start();
    expect(lines.map(parseSyncLine)).toEqual([{ at: 'start' }]);
    input.write('{"at":"start"}\n');
    await started;
    const ended = sync.end(12);
    expect(parseSyncLine(lines[1] as string)).toEqual({ at: 'end', acked: 12 });
    input.write('{"at":"end",'); // an answer split over two chunks
    input.write('"acked":30}\n');
    await expect(ended).resolves.toBe(30);
  });

  it('gives up on the end after its wait, with no sum', async () => {
    let fire: (() => void) | null = null;
    let waitedMs = 0;
    const timers = {
      setTimeout: (f: () => void, ms: number) => {
        fire = f;
        waitedMs = ms;
        return { unref: () => {} };
      },
      clearTimeout: () => {},
    } as unknown as Timers;
    const sync = pipeSync(new PassThrough(), () => {}, timers);
    const ended = sync.end(3);
    expect(waitedMs).toBe(END_WAIT_MS);
    (fire as unknown as () => void)();
    await expect(ended).resolves.toBeNull();
  });

  it('reads only its own lines', () => {
    expect(parseSyncLine('fleetstorm-progress {}')).toBeNull();
    expect(parseSyncLine(syncLine({ at: 'end', acked: 1 }))).toEqual({ at: 'end', acked: 1 });
    expect(parseSyncLine('fleetstorm-sync {"at":"end"}')).toBeNull();
  });
});
