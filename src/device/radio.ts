// The device's radio link: one-way latency, loss and bandwidth, including a radio-degrade fault
// and its site's shared link (`sites.link`: latency and loss added; bandwidth in src/topology).
import { FLAG } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { nextFloat, nextRange } from '../random/rng.js';
import type { TypeParams } from './params.js';

export function oneWayUs(sh: Shard, d: number, tp: TypeParams): number {
  const base = nextRange(sh.a.rng, d, tp.latMinUs, tp.latMaxUs) + sh.siteLatencyUs;
  const deg = sh.degrade;
  return (sh.a.flags[d] as number) & FLAG.degraded && deg.latencyUs !== null ? base + deg.latencyUs : base;
}

/** True when this packet (or exchange) is lost on the radio. */
export function lost(sh: Shard, d: number, tp: TypeParams): boolean {
  const deg = sh.degrade;
  const own =
    (sh.a.flags[d] as number) & FLAG.degraded && deg.lossRatio !== null ? deg.lossRatio : tp.lossRatio;
  // the site link's loss on top of the device's own (`sites.link.loss`)
  const loss = sh.siteLossRatio > 0 ? 1 - (1 - own) * (1 - sh.siteLossRatio) : own;
  return loss > 0 && nextFloat(sh.a.rng, d) < loss;
}

export function bandwidth(sh: Shard, d: number, tp: TypeParams): number {
  const deg = sh.degrade;
  return (sh.a.flags[d] as number) & FLAG.degraded && deg.bandwidthBytesPerSec !== null
    ? Math.min(tp.bandwidthBytesPerSec, deg.bandwidthBytesPerSec)
    : tp.bandwidthBytesPerSec;
}
