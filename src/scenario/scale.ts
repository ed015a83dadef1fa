// `--devices N`: scale the fleet groups to N devices in proportion, by the largest-remainder
// method (Hamilton), in integer arithmetic so the split is exact and the same on every machine.
import type { FleetGroup } from './types.js';

/** Splits `total` over `weights` in proportion; ties in the remainder go to the earlier group. */
export function largestRemainder(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const shares = weights.map((w, index) => {
    // total × w can exceed 2^53 only past ~9e15 device-weights; BigInt keeps it exact anyway.
    const product = BigInt(total) * BigInt(w);
    return { index, quota: Number(product / BigInt(sum)), remainder: Number(product % BigInt(sum)) };
  });
  let left = total - shares.reduce((a, s) => a + s.quota, 0);
  const order = [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const s of order) {
    if (left <= 0) break;
    s.quota += 1;
    left -= 1;
  }
  return shares.map((s) => s.quota);
}

/** The fleet scaled to `total` devices; groups that end up empty are dropped. */
export function scaleFleet(fleet: readonly FleetGroup[], total: number): FleetGroup[] {
  const counts = largestRemainder(
    fleet.map((g) => g.count),
    total,
  );
  return fleet.map((g, i) => ({ ...g, count: counts[i] ?? 0 })).filter((g) => g.count > 0);
}

export function fleetSize(fleet: readonly FleetGroup[]): number {
  return fleet.reduce((a, g) => a + g.count, 0);
}
