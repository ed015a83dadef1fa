// Live mode: the downloads at a site share its link (`sites.link.bandwidth`) through one pacer per
// site in the process. Each received chunk books the link from when it is free for bytes / rate
// and the reader waits until then, so the site's downloads together run at the link's rate,
// chunk by chunk in turn. Sites are built per process (each --processes / --shard slice has its
// own), so a site's devices, and so its link, are always in one process. Real time: a network's
// figures are not scaled by the run's speed.
import { delay, monotonicMs } from '../clock/real-clock.js';

/** Waits shorter than this are not worth a timer: the bytes go through at once. */
const MIN_WAIT_MS = 1;

export class SitePacer {
  /** Per site of the process: when its link is free again (monotonic ms). */
  private readonly freeAtMs: Float64Array;

  constructor(
    sites: number,
    private readonly bytesPerSec: number,
  ) {
    this.freeAtMs = new Float64Array(sites);
  }

  /** `pace` of a download at site `site`: a promise to wait for, or null to go on. */
  pace(site: number, bytes: number): Promise<void> | null {
    const now = monotonicMs();
    const start = Math.max(now, this.freeAtMs[site] ?? 0);
    const free = start + (bytes / this.bytesPerSec) * 1000;
    this.freeAtMs[site] = free;
    const waitMs = free - now;
    return waitMs < MIN_WAIT_MS ? null : delay(waitMs);
  }
}
