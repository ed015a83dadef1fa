// Worker-side metrics recording. The hot path calls record()/add() with numeric ids from
// catalog.ts; once per interval the worker takes a snapshot (sparse bucket counts, never raw
// events) and posts it to the main thread, which merges snapshots exactly (bucket counts add).
import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import { COUNTERS, HISTOGRAMS, HIST_HIGHEST_US, HIST_LOWEST_US, HIST_SIGNIFICANT_DIGITS } from './catalog.js';

/** Sparse histogram: the non-zero HDR bucket indexes and their counts. */
export interface SparseHistogram {
  idx: number[];
  counts: number[];
}

export interface MetricsSnapshot {
  counters: number[];
  hists: SparseHistogram[];
}

export function newHistogram(): JsHistogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: HIST_LOWEST_US,
    highestTrackableValue: HIST_HIGHEST_US,
    numberOfSignificantValueDigits: HIST_SIGNIFICANT_DIGITS,
  }) as JsHistogram;
}

function clampUs(valueUs: number): number {
  if (!(valueUs >= HIST_LOWEST_US)) return HIST_LOWEST_US;
  if (valueUs > HIST_HIGHEST_US) return HIST_HIGHEST_US;
  return Math.round(valueUs);
}

/**
 * The HDR bucket layout of newHistogram(), computed once so the hot path can index a plain
 * Float64Array exactly as hdr-histogram-js would (a unit test checks the two agree).
 */
const LAYOUT = (() => {
  const h = newHistogram();
  return {
    countsLength: h.countsArrayLength,
    subBucketHalfCountMagnitude: h.subBucketHalfCountMagnitude,
    subBucketHalfCount: h.subBucketHalfCount,
    unitMagnitude: h.unitMagnitude,
  };
})();

function clz64(v: number): number {
  return v >= 4294967296 ? Math.clz32(Math.floor(v / 4294967296)) : 32 + Math.clz32(v);
}

const POW2 = Array.from({ length: 64 }, (_, k) => Math.pow(2, k));

/** hdr-histogram-js countsArrayIndex for an integer value ≥ 1 within the histogram's range. */
export function bucketIndexOf(value: number): number {
  const L = LAYOUT;
  const log2 = 63 - clz64(value);
  const over = log2 - L.subBucketHalfCountMagnitude - L.unitMagnitude;
  const bucket = over > 0 ? over : 0;
  const sub = Math.floor(value / (POW2[bucket + L.unitMagnitude] as number));
  return ((bucket + 1) << L.subBucketHalfCountMagnitude) + (sub - L.subBucketHalfCount);
}

export class Recorder {
  readonly counters = new Float64Array(COUNTERS.length);
  private readonly counts: Float64Array[] = HISTOGRAMS.map(() => new Float64Array(LAYOUT.countsLength));
  private readonly touched = new Uint8Array(HISTOGRAMS.length);

  record(hist: number, valueUs: number): void {
    this.touched[hist] = 1;
    const c = this.counts[hist] as Float64Array;
    const i = bucketIndexOf(clampUs(valueUs));
    c[i] = (c[i] as number) + 1;
  }

  add(counter: number, n = 1): void {
    this.counters[counter] = (this.counters[counter] as number) + n;
  }

  /** Returns what was recorded since the last snapshot, and clears it. */
  snapshot(): MetricsSnapshot {
    const hists: SparseHistogram[] = [];
    for (let h = 0; h < this.counts.length; h++) {
      const sparse: SparseHistogram = { idx: [], counts: [] };
      if (this.touched[h]) {
        const counts = this.counts[h] as Float64Array;
        for (let i = 0; i < counts.length; i++) {
          const c = counts[i] as number;
          if (c !== 0) {
            sparse.idx.push(i);
            sparse.counts.push(c);
          }
        }
        counts.fill(0);
        this.touched[h] = 0;
      }
      hists.push(sparse);
    }
    const counters = Array.from(this.counters);
    this.counters.fill(0);
    return { counters, hists };
  }
}

/** Adds a sparse histogram into a full one; exact, because both share one bucket layout. */
export function addSparse(target: JsHistogram, sparse: SparseHistogram): void {
  for (let i = 0; i < sparse.idx.length; i++) {
    const value = target.valueFromIndex(sparse.idx[i] as number);
    target.recordValueWithCount(Math.max(HIST_LOWEST_US, value), sparse.counts[i] as number);
  }
}

export function emptySnapshot(): MetricsSnapshot {
  return { counters: COUNTERS.map(() => 0), hists: HISTOGRAMS.map(() => ({ idx: [], counts: [] })) };
}

/** Merges b into a (both snapshots); used to combine shards before posting. */
export function mergeSnapshots(a: MetricsSnapshot, b: MetricsSnapshot): MetricsSnapshot {
  const counters = a.counters.map((v, i) => v + (b.counters[i] ?? 0));
  const hists = a.hists.map((ha, h) => {
    const hb = b.hists[h] ?? { idx: [], counts: [] };
    const m = new Map<number, number>();
    for (let i = 0; i < ha.idx.length; i++) m.set(ha.idx[i] as number, ha.counts[i] as number);
    for (let i = 0; i < hb.idx.length; i++) {
      const k = hb.idx[i] as number;
      m.set(k, (m.get(k) ?? 0) + (hb.counts[i] as number));
    }
    const idx = [...m.keys()].sort((x, y) => x - y);
    return { idx, counts: idx.map((k) => m.get(k) as number) };
  });
  return { counters, hists };
}
