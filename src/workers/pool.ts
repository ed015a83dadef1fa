// The worker pool (piscina). The worker entry is always the built JavaScript in dist/, also
// when this module itself runs from TypeScript sources (tests), so `npm run build` comes first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Task } from './protocol.js';

function workerFile(): string {
  const here = new URL('./worker.js', import.meta.url);
  const built = import.meta.url.endsWith('.ts')
    ? new URL('../../dist/workers/worker.js', import.meta.url)
    : here;
  const path = fileURLToPath(built);
  if (!existsSync(path)) throw new Error(`worker entry ${path} is missing: run \`npm run build\` first`);
  return path;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export interface FleetPool {
  threads: number;
  run<R>(task: Task): Promise<R>;
  close(): Promise<void>;
}

/**
 * `threads` worker threads, each its own single-thread pool. A task goes to the thread that ran
 * the first task of its first shard, so a shard is always advanced by the same thread: device
 * programs (src/program) keep their per-device objects (RAM, timers, flash) in that thread.
 */
export function createPool(threads: number): FleetPool {
  const pools = Array.from(
    { length: threads },
    () =>
      new Piscina({
        filename: workerFile(),
        minThreads: 1,
        maxThreads: 1,
        idleTimeout: 60_000,
        concurrentTasksPerWorker: 1,
        // Plain Node for the hot path: no loaders inherited from the parent (tsx, test runners),
        // which wrap every module binding in getters.
        execArgv: [],
      }),
  );
  const slotOf = new Map<number, number>();
  let next = 0;
  const poolFor = (task: Task): Piscina => {
    const key = task.shards[0]?.shard ?? 0;
    let slot = slotOf.get(key);
    if (slot === undefined) {
      slot = next++ % threads;
      slotOf.set(key, slot);
    }
    return pools[slot] as Piscina;
  };
  return {
    threads,
    run: <R>(task: Task) => poolFor(task).run(task) as Promise<R>,
    close: () => Promise.all(pools.map((p) => p.destroy())).then(() => undefined),
  };
}
