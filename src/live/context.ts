// What the live port's socket callbacks need to find a device and wake it: the shards, the
// first connection id of each, the virtual clock and how far the driver has advanced.
import type { Shard } from '../core/shard.js';
import type { TypeParams } from '../device/params.js';
import type { Recorder } from '../metrics/recorder.js';
import { H } from '../metrics/catalog.js';
import type { VirtualClock } from './vclock.js';

/** A scheduled event that ran more than this late (real µs) counts toward the saturation warning. */
export const LAG_WARN_US = 100_000;

export class LiveContext {
  shards: Shard[] = [];
  /** Connection id of each shard's device 0: id = bases[shard] + local index. */
  bases: number[] = [];
  /** Virtual time every shard has been advanced to (the queues' floor). */
  reachedUs = 0;
  /** Set while the run shuts down: closes are then expected, not link losses. */
  closing = false;
  lagSamples = 0;
  lagOver = 0;

  constructor(
    readonly clock: VirtualClock,
    readonly rec: Recorder,
    readonly runTag: string,
  ) {}

  /** Devices in this process. */
  devices = 0;

  /** Shard sizes in shard order (known before the shards exist: the port sizes its tables). */
  setSizes(sizes: readonly number[]): void {
    let base = 0;
    this.bases = sizes.map((n) => {
      const b = base;
      base += n;
      return b;
    });
    this.devices = base;
  }

  idOf(sh: Shard, d: number): number {
    return (this.bases[sh.st.shard] as number) + d;
  }

  /** The shard holding connection id `id` (binary search over ≤ 64 bases). */
  shardOf(id: number): Shard {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.bases[mid] as number) <= id) lo = mid;
      else hi = mid - 1;
    }
    return this.shards[lo] as Shard;
  }

  localOf(sh: Shard, id: number): number {
    return id - (this.bases[sh.st.shard] as number);
  }

  typeOf(sh: Shard, d: number): TypeParams {
    return sh.st.types[sh.a.type[d] as number] as TypeParams;
  }

  /** Virtual time at which an answer arriving now is applied (never before the queue floor). */
  answerAt(): number {
    return Math.max(this.clock.now(), this.reachedUs);
  }

  /** Records how late the event scheduled at virtual `t` runs, in real µs. */
  recordLag(t: number): void {
    const lag = this.clock.lagUs(t);
    this.rec.record(H.generator_lag_us, lag);
    this.lagSamples++;
    if (lag > LAG_WARN_US) this.lagOver++;
  }

  /** The p99 lag exceeded LAG_WARN_US (more than 1% of events were that late). */
  saturated(): boolean {
    return this.lagSamples > 0 && this.lagOver / this.lagSamples > 0.01;
  }
}
