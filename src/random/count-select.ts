// Exactly k of a set, without a sort: devices are drawn by a 32-bit hash of (seed, key, id), and
// "the k devices with the smallest hashes" is a threshold on that hash. Two passes over the ids
// (radix select on the top 16 bits, then the one bucket that holds the k-th value) find it in
// O(n) time and O(65,536 + bucket) memory, the same on every thread and shard.

const BUCKETS = 65_536;

/**
 * The threshold u in (0, 1] such that exactly min(k, matching) ids have hash / 2^32 < u, where
 * `hashOf(id)` is the id's 32-bit hash, or -1 for an id outside the set. (Two ids with the very
 * same hash, about one pair in 2^32, both fall on the same side.)
 */
export function countThreshold(n: number, k: number, hashOf: (id: number) => number): number {
  if (k <= 0) return 0;
  const counts = new Uint32Array(BUCKETS);
  let matching = 0;
  for (let id = 0; id < n; id++) {
    const h = hashOf(id);
    if (h < 0) continue;
    counts[h >>> 16] = (counts[h >>> 16] as number) + 1;
    matching++;
  }
  if (k >= matching) return 1;
  let bucket = 0;
  let below = 0;
  while (below + (counts[bucket] as number) < k) below += counts[bucket++] as number;
  const inBucket: number[] = [];
  for (let id = 0; id < n; id++) {
    const h = hashOf(id);
    if (h >= 0 && h >>> 16 === bucket) inBucket.push(h);
  }
  inBucket.sort((a, b) => a - b);
  const kth = inBucket[k - below - 1] as number; // the k-th smallest hash of the set
  return (kth + 1) / 4294967296;
}
