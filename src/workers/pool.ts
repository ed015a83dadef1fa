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

export function createPool(threads: number): FleetPool {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 1,
    // Plain Node for the hot path: no loaders inherited from the parent (tsx, test runners),
    // which wrap every module binding in getters.
    execArgv: [],
  });
  return {
    threads,
    run: <R>(task: Task) => pool.run(task) as Promise<R>,
    close: () => pool.destroy(),
  };
}
