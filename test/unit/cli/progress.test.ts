// The progress block on a narrow terminal: every line fits one row, so each redraw moves up
// exactly the rows it wrote and leaves nothing behind; a duty-cycled fleet shows its online
// share; --processes shows a row per process.
import { describe, expect, it } from 'vitest';
import type { IntervalProgress } from '../../../src/app/engine-types.js';
import { parseProgressLine, progressLine } from '../../../src/app/process-progress.js';
import { ProgressPrinter } from '../../../src/cli/progress.js';
import { Aggregator } from '../../../src/metrics/aggregate.js';
import { CONN_STATES, OTA_STATES } from '../../../src/metrics/catalog.js';

const H = 3_600_000_000;

/** A terminal of `columns` columns: records writes, and lays text out in rows as a terminal would. */
class FakeTty {
  readonly isTTY = true;
  readonly chunks: string[] = [];
  constructor(readonly columns: number) {}
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
}

function conn(states: Partial<Record<(typeof CONN_STATES)[number], number>>): number[] {
  return CONN_STATES.map((s) => states[s] ?? 0);
}

function progress(index: number, c: number[]): IntervalProgress {
  return {
    index,
    intervals: 10,
    reachedUs: (index + 1) * H,
    agg: new Aggregator({ intervalUs: H, devices: 100_000 }),
    events: 123_456 * (index + 1),
    conn: c,
    ota: OTA_STATES.map(() => 0),
  };
}

/** Rows a chunk of text takes on a terminal `columns` wide (wrapped lines count more than once). */
function rowsOf(text: string, columns: number): number {
  return text
    .split('\n')
    .slice(0, -1)
    .reduce((n, line) => n + Math.max(1, Math.ceil([...line].length / columns)), 0);
}

describe('progress on a terminal', () => {
  it('moves the cursor up exactly the rows the previous block took, at 40 columns', () => {
    const tty = new FakeTty(40);
    const printer = new ProgressPrinter(tty as unknown as NodeJS.WriteStream, 10 * H, true);
    printer.update(progress(0, conn({ connected: 90_000, backoff: 10_000 })));
    printer.update(progress(9, conn({ connected: 99_000, backoff: 1_000 }))); // the last one is always drawn
    const [first, up, second] = tty.chunks;
    expect(up).toBe(`\x1b[${rowsOf(first ?? '', 40)}F\x1b[J`);
    for (const line of [...(first ?? '').split('\n'), ...(second ?? '').split('\n')])
      expect([...line].length).toBeLessThan(40);
  });

  it('shows the online share of a duty-cycled fleet instead of connected 0', () => {
    const tty = new FakeTty(200);
    const printer = new ProgressPrinter(tty as unknown as NodeJS.WriteStream, 10 * H, true);
    printer.update(progress(9, conn({ connected: 120, sleeping: 99_700, backoff: 180 })));
    expect(tty.chunks[0]).toContain('online 99.8k/100.0k (99.8%, 99.7k asleep)');
  });

  it('shows one row per process under --processes, from the children’s progress lines', () => {
    const tty = new FakeTty(120);
    const printer = new ProgressPrinter(tty as unknown as NodeJS.WriteStream, 10 * H, true);
    for (const i of [0, 1]) {
      const line = progressLine(progress(9, conn({ connected: 500 })), i, 2);
      const parsed = parseProgressLine(line);
      expect(parsed).not.toBeNull();
      if (parsed) printer.updateProcess(parsed);
    }
    const last = tty.chunks.filter((c) => !c.startsWith('\x1b')).at(-1) ?? '';
    expect(last).toContain('fleetstorm 2 processes (2 reporting) 10h/10h (100.0%) connected 1.0k/1.0k');
    expect(last).toContain('  process 0: 10h (100.0%) connected 500/500');
    expect(last).toContain('  process 1: 10h (100.0%) connected 500/500');
    expect(parseProgressLine('replay: fleetstorm run x')).toBeNull();
  });
});
