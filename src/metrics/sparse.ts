// Exact accumulation of HDR bucket counts without one full histogram per interval. Counts are
// integers, so adding them in any order gives the same result.
//   SparseAccumulator: sorted typed arrays, for the per-interval data (a run keeps hundreds of
//     them; 12 bytes per non-empty bucket instead of a 29k-bucket histogram or a Map).
//   DenseCounts: one flat array per metric, for the cumulative totals (O(1) per bucket).
import type { JsHistogram } from 'hdr-histogram-js';
import { LAYOUT } from './hdr-codec.js';
import type { SparseHistogram } from './recorder.js';

/** Sparse counts as parallel arrays (plain or typed), indexes ascending. */
export interface SparseLike {
  readonly idx: ArrayLike<number>;
  readonly counts: ArrayLike<number>;
}

function isSortedUnique(s: SparseLike): boolean {
  for (let i = 1; i < s.idx.length; i++) if ((s.idx[i] as number) <= (s.idx[i - 1] as number)) return false;
  return true;
}

/** Sorts and combines duplicate indexes (snapshots arrive sorted; this is the safe path). */
function normalise(s: SparseLike): SparseLike {
  if (isSortedUnique(s)) return s;
  const m = new Map<number, number>();
  for (let i = 0; i < s.idx.length; i++)
    m.set(s.idx[i] as number, (m.get(s.idx[i] as number) ?? 0) + (s.counts[i] as number));
  const idx = [...m.keys()].sort((a, b) => a - b);
  return { idx, counts: idx.map((k) => m.get(k) as number) };
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= LAYOUT.countsArrayLength) {
    throw new Error(`HDR bucket index ${index} is outside the histogram layout`);
  }
}

export class SparseAccumulator {
  private idx = new Int32Array(0);
  private counts = new Float64Array(0);

  add(sparse: SparseLike): void {
    const b = normalise(sparse);
    const n = this.idx.length;
    const m = b.idx.length;
    if (m === 0) return;
    const idx = new Int32Array(n + m);
    const counts = new Float64Array(n + m);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < n || j < m) {
      const ai = i < n ? (this.idx[i] as number) : Infinity;
      const bj = j < m ? (b.idx[j] as number) : Infinity;
      if (bj <= ai) checkIndex(bj);
      idx[k] = Math.min(ai, bj);
      counts[k] = (ai <= bj ? (this.counts[i++] as number) : 0) + (bj <= ai ? (b.counts[j++] as number) : 0);
      if ((counts[k] as number) !== 0) k++;
    }
    this.idx = idx.slice(0, k);
    this.counts = counts.slice(0, k);
  }

  get empty(): boolean {
    return this.idx.length === 0;
  }

  /** A read-only view of the merged counts (typed arrays; do not modify). */
  view(): SparseLike {
    return { idx: this.idx, counts: this.counts };
  }

  toSparse(): SparseHistogram {
    return { idx: Array.from(this.idx), counts: Array.from(this.counts) };
  }
}

export class DenseCounts {
  private readonly counts = new Float64Array(LAYOUT.countsArrayLength);
  private total = 0;

  add(sparse: SparseLike): void {
    for (let i = 0; i < sparse.idx.length; i++) {
      const index = sparse.idx[i] as number;
      checkIndex(index);
      const c = sparse.counts[i] as number;
      this.counts[index] = (this.counts[index] as number) + c;
      this.total += c;
    }
  }

  get totalCount(): number {
    return this.total;
  }

  toSparse(): SparseHistogram {
    const sparse: SparseHistogram = { idx: [], counts: [] };
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i] as number;
      if (c !== 0) {
        sparse.idx.push(i);
        sparse.counts.push(c);
      }
    }
    return sparse;
  }
}

/** Adds sparse counts into a JsHistogram of our layout (as recorder.addSparse, for any array). */
export function addSparseLike(target: JsHistogram, sparse: SparseLike): void {
  for (let i = 0; i < sparse.idx.length; i++) {
    const value = Math.max(1, target.valueFromIndex(sparse.idx[i] as number));
    target.recordValueWithCount(value, sparse.counts[i] as number);
  }
}
