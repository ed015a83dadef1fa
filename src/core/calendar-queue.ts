// A calendar queue (timing wheel) over typed arrays. Each node (one per device) is either
// unlinked or in exactly one bucket of a doubly linked list, so rescheduling is O(1) and a
// day of fleet life costs no allocation at all. Bucket width 2^16 µs (~65.5 ms) × 65,536 buckets
// cover ~71 virtual minutes per lap; later events sit in their slot until their lap comes.
// Within a bucket events run in insertion order: a device's own events stay ordered (it has one
// node), and devices in one shard only meet through the backend model, which sees a bucket's
// requests out of time order and queues each bucket's as if they came at once. The bucket is
// narrow so that this stays within a queue's burst tolerance: with ~1 s buckets a 52,000-device
// storm's modelled throughput wavered 1,930-2,510 connects/s where the live brokers passed a
// steady 2,400, and at a quarter of their rate the modelled connect p99 was 140-390 ms against
// 6-38 ms live (docs/virtual-mode.md). It costs ~5-9 % of the events/s and 512 KB per shard.

export const BUCKET_WIDTH_US = 1 << 16;
export const BUCKET_COUNT = 65536;
const MASK = BUCKET_COUNT - 1;
/** Multiplying by a power of two is exact: the same bucket as a division, cheaper. */
const INV_WIDTH = 1 / BUCKET_WIDTH_US;
const UNLINKED = -2;
const END = -1;

export interface QueueArrays {
  nodeTime: Float64Array;
  next: Int32Array;
  prev: Int32Array;
  head: Int32Array;
  tail: Int32Array;
}

export function queueLayout(nodes: number) {
  return {
    nodeTime: { kind: 'f64', length: nodes },
    next: { kind: 'i32', length: nodes },
    prev: { kind: 'i32', length: nodes },
    head: { kind: 'i32', length: BUCKET_COUNT },
    tail: { kind: 'i32', length: BUCKET_COUNT },
  } as const;
}

/** Call once on freshly allocated (zeroed) arrays. */
export function initQueue(q: QueueArrays): void {
  q.head.fill(END);
  q.tail.fill(END);
  q.prev.fill(UNLINKED);
  q.next.fill(END);
  q.nodeTime.fill(Infinity);
}

export type NodeHandler = (node: number, timeUs: number) => void;

export class CalendarQueue {
  /** Events are never scheduled before this (the time being processed). */
  private floorUs = 0;

  constructor(private readonly q: QueueArrays) {}

  isScheduled(node: number): boolean {
    return this.q.prev[node] !== UNLINKED;
  }

  timeOf(node: number): number {
    return this.q.nodeTime[node] as number;
  }

  schedule(node: number, timeUs: number): void {
    const q = this.q;
    if (q.prev[node] !== UNLINKED) this.unlink(node);
    const t = timeUs < this.floorUs ? this.floorUs : timeUs;
    q.nodeTime[node] = t;
    const slot = Math.floor(t * INV_WIDTH) & MASK;
    const last = q.tail[slot] as number;
    q.prev[node] = last;
    q.next[node] = END;
    if (last === END) q.head[slot] = node;
    else q.next[last] = node;
    q.tail[slot] = node;
  }

  cancel(node: number): void {
    if (this.q.prev[node] !== UNLINKED) this.unlink(node);
    this.q.nodeTime[node] = Infinity;
  }

  private unlink(node: number): void {
    this.unlinkFrom(node, Math.floor((this.q.nodeTime[node] as number) * INV_WIDTH) & MASK);
  }

  private unlinkFrom(node: number, slot: number): void {
    const q = this.q;
    const p = q.prev[node] as number;
    const n = q.next[node] as number;
    if (p === END) q.head[slot] = n;
    else q.next[p] = n;
    if (n === END) q.tail[slot] = p;
    else q.prev[n] = p;
    q.prev[node] = UNLINKED;
    q.next[node] = END;
  }

  /** Runs every event with fromUs <= time < toUs; returns how many ran. */
  advance(fromUs: number, toUs: number, handler: NodeHandler): number {
    const q = this.q;
    let events = 0;
    // A device that keeps rescheduling itself at the same instant would spin forever: no real
    // device does thousands of things per window, so fail loudly (exit 70, partial report).
    const limit = 10_000 * q.next.length + 1_000_000;
    const lastBucket = Math.floor(toUs / BUCKET_WIDTH_US);
    for (let b = Math.floor(fromUs / BUCKET_WIDTH_US); b <= lastBucket; b++) {
      const slot = b & MASK;
      let kept = END;
      let n = q.head[slot] as number;
      while (n !== END) {
        const t = q.nodeTime[n] as number;
        if (t < toUs) {
          this.unlinkFrom(n, slot);
          this.floorUs = t > fromUs ? t : fromUs;
          handler(n, t);
          if (++events > limit)
            throw new Error(`event storm: device node ${n} at ${t}us exceeded ${limit} events in one window`);
          n = kept === END ? (q.head[slot] as number) : (q.next[kept] as number);
        } else {
          kept = n;
          n = q.next[n] as number;
        }
      }
    }
    this.floorUs = toUs;
    return events;
  }

  /** Sets the earliest time new events may be scheduled at (used around global events). */
  setFloor(timeUs: number): void {
    this.floorUs = timeUs;
  }
}
