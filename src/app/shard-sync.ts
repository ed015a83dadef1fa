// The processes of `--processes N` meet twice: before their clocks start and at their end.
//  - start: each child connects its subscriber, then says it is ready; the parent lets them all
//    start at once. Without it the children's clocks started a process spawn apart (0.1-0.5 s on
//    a loaded machine, minutes of virtual time at speed 60), so one shard's faults, waves and last
//    publishes happened while another had already stopped.
//  - end: after draining its own publishes, each child gives its acknowledged QoS 1 publishes;
//    the parent sends every child the sum. Shard 0's subscriber counts the templated telemetry of
//    every shard, so it waits for that sum before its last snapshot: a shard that ended a moment
//    later no longer shows as lost deliveries in the merged report.
// A child writes `fleetstorm-sync {...}` on its stderr; the parent answers with one JSON line on the
// child's stdin. A child that exits counts as arrived, so the others never wait for it.
import type { Readable } from 'node:stream';
import { realTimers, type Timers } from '../clock/real-clock.js';

const PREFIX = 'fleetstorm-sync ';

export type SyncMessage = { at: 'start' } | { at: 'end'; acked: number };

/** How long a child waits at the end for the slowest sibling (its own drain takes up to 30 s) before it writes its report anyway (real ms). */
export const END_WAIT_MS = 40_000;

/** A child's side: what the engine awaits. */
export interface ShardSync {
  /** Resolves when every process is ready to start its clock. */
  start(): Promise<void>;
  /** Gives this process's acknowledged QoS 1 publishes; resolves with every process's sum, or null when the wait ran out. */
  end(acked: number): Promise<number | null>;
}

/** The line a child writes (no newline). */
export function syncLine(m: SyncMessage): string {
  return PREFIX + JSON.stringify(m);
}

/** A child's sync line, or null for any other stderr line. */
export function parseSyncLine(line: string): SyncMessage | null {
  if (!line.startsWith(PREFIX)) return null;
  return parseMessage(line.slice(PREFIX.length));
}

function parseMessage(text: string): SyncMessage | null {
  try {
    const v = JSON.parse(text) as { at?: unknown; acked?: unknown };
    if (v.at === 'start') return { at: 'start' };
    if (v.at === 'end' && typeof v.acked === 'number' && Number.isFinite(v.acked))
      return { at: 'end', acked: v.acked };
  } catch {
    // not one of ours
  }
  return null;
}

/** A child's sync over its stdin (the parent's answers) and `write` (its stderr). */
export function pipeSync(
  input: Readable,
  write: (line: string) => void,
  timers: Timers = realTimers,
): ShardSync {
  let buffered = '';
  const waiting = new Map<string, (m: SyncMessage) => void>();
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const m = parseMessage(line);
      const take = m ? waiting.get(m.at) : undefined;
      if (m && take) {
        waiting.delete(m.at);
        take(m);
      }
    }
  });
  // The pipe is unreferenced (a finished run must exit): hold the process while an answer is due.
  const hold = input as Readable & { ref?: () => void; unref?: () => void };
  const ask = (m: SyncMessage): Promise<SyncMessage> =>
    new Promise((resolve) => {
      waiting.set(m.at, (answer) => {
        hold.unref?.();
        resolve(answer);
      });
      hold.ref?.();
      write(syncLine(m));
    });
  return {
    start: async () => {
      await ask({ at: 'start' });
    },
    end: (acked) =>
      new Promise((resolve) => {
        const give = timers.setTimeout(() => {
          waiting.delete('end');
          hold.unref?.();
          resolve(null);
        }, END_WAIT_MS);
        void ask({ at: 'end', acked }).then((m) => {
          timers.clearTimeout(give);
          resolve(m.at === 'end' ? m.acked : null);
        });
      }),
  };
}

/** The parent's side: collects the children's arrivals and answers each meeting once all are there. */
export class SyncHub {
  private readonly gone = new Set<number>();
  private readonly arrived = new Map<string, Map<number, number>>();
  private readonly released = new Set<string>();

  constructor(
    private readonly n: number,
    private readonly send: (child: number, m: SyncMessage) => void,
    /** Called as the children are let start (the parent's own clocks start with theirs). */
    private readonly onStart: () => void = () => {},
  ) {}

  arrive(child: number, m: SyncMessage): void {
    const at = this.arrived.get(m.at) ?? new Map<number, number>();
    this.arrived.set(m.at, at);
    at.set(child, m.at === 'end' ? m.acked : 0);
    this.release(m.at);
  }

  /** A child exited: nobody waits for it any more. */
  exited(child: number): void {
    this.gone.add(child);
    for (const at of this.arrived.keys()) this.release(at);
  }

  private release(at: string): void {
    const came = this.arrived.get(at);
    if (!came || this.released.has(at)) return;
    for (let i = 0; i < this.n; i++) if (!came.has(i) && !this.gone.has(i)) return;
    this.released.add(at);
    let sum = 0;
    for (const v of came.values()) sum += v;
    if (at === 'start') this.onStart();
    const m: SyncMessage = at === 'end' ? { at: 'end', acked: sum } : { at: 'start' };
    for (const i of came.keys()) if (!this.gone.has(i)) this.send(i, m);
  }
}
