// The shards' queues pooled at every barrier. Between barriers each shard serves its requests in
// its own share of every modelled queue (rate / shards), which keeps shards independent: a
// request adds every shard's period to its share's backlog, standing for the other shards'
// devices, which behave alike (a fleet's devices are dealt round the shards). Left alone, the
// shares' backlogs drift apart with the chance of which shard's devices came when, and a request
// waits for its own share's backlog where the real broker serves everyone in one queue. At each
// barrier the drained backlogs are averaged and every share starts the next window from the mean:
// the queued work is the same (every share drains at the same rate), each share's wait is again
// the whole queue's, and a window's drift is all that remains (docs/virtual-mode.md).
//
// A site's devices are all in one shard, so the reconnects its outage brings back stand for
// themselves alone: each adds only the broker's own period (src/backend-model/model.ts), counted
// apart as the share's own work; at the barrier what is left of it is the whole queue's, not
// averaged away. The other shards see that work from the next window on.
//
// Pooled: connect (per broker, and the brokers' shared connect), ingest, fan-out, check-in and
// registration queues. Not pooled: session counts and OTA download slots (counts of things held,
// not work waiting), and nothing across `--shard` runs, which never meet.
import { META } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { fluidWait } from './fluid-queue.js';
import { BROKER, BROKER_SLOTS, SHARED_OWN } from './share.js';

const META_QUEUES = [
  META.connectQueue,
  META.ingestQueue,
  META.checkinQueue,
  META.fanoutQueue,
  META.registrationQueue,
] as const;
const BROKER_QUEUES = [BROKER.connect, BROKER.ingest, BROKER.fanout] as const;

type EachQueue = (state: Float64Array, slot: number, ownSlot: number, k: number) => void;

/** Calls `fn` with every queue of the shard's share (state, slot, own-work slot or -1), in a fixed order. */
function eachQueue(sh: Shard, fn: EachQueue): void {
  let k = 0;
  for (const slot of META_QUEUES) fn(sh.meta, slot, slot === META.connectQueue ? META.connectOwn : -1, k++);
  const set = sh.st.share.brokers;
  if (set !== null)
    for (let b = 0; b < set.count; b++)
      for (const q of BROKER_QUEUES) {
        const base = b * BROKER_SLOTS;
        fn(set.state, base + q, q === BROKER.connect ? base + BROKER.connectOwn : -1, k++);
      }
  const shared = sh.st.share.shared;
  if (shared) fn(shared.state, 0, SHARED_OWN, k++);
}

/**
 * Each queue's backlog (µs of work) drained to `atUs`, then each queue's own work still queued
 * (at most its backlog): two halves, in the order `setQueueLevels` takes.
 */
export function queueLevels(sh: Shard, atUs: number): number[] {
  const levels: number[] = [];
  const own: number[] = [];
  eachQueue(sh, (state, slot, ownSlot) => {
    const level = fluidWait(state, slot, atUs, 0); // the backlog drained to atUs
    levels.push(level);
    own.push(ownSlot < 0 ? 0 : Math.min(level, state[ownSlot] as number));
  });
  return levels.concat(own);
}

/** Every queue of the share starts from `levels` at `atUs` (as drained to then), with no own work. */
export function setQueueLevels(sh: Shard, levels: readonly number[], atUs: number): void {
  eachQueue(sh, (state, slot, ownSlot, k) => {
    state[slot] = levels[k] as number;
    state[slot + 1] = atUs;
    if (ownSlot >= 0) state[ownSlot] = 0;
  });
}

/**
 * The pooled levels: each queue's mean over all shards, plus the own work queued in any shard
 * (which the mean counted once over n, where the whole queue holds it once): summed in shard
 * order, the same for any worker count; null when there is nothing to pool (one shard).
 */
export function pooledLevels(perShard: readonly (readonly number[])[]): number[] | null {
  const n = perShard.length;
  if (n < 2) return null;
  const width = (perShard[0]?.length ?? 0) / 2;
  const pooled = new Array<number>(width).fill(0);
  const own = new Array<number>(width).fill(0);
  for (const levels of perShard)
    for (let k = 0; k < width; k++) {
      pooled[k] = (pooled[k] as number) + (levels[k] as number);
      own[k] = (own[k] as number) + (levels[width + k] as number);
    }
  for (let k = 0; k < width; k++) pooled[k] = (pooled[k] as number) / n + ((own[k] as number) * (n - 1)) / n;
  return pooled;
}
