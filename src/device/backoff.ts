// Reconnect / retry delays: exponential backoff with selectable jitter, as in the AWS
// architecture note "Exponential Backoff And Jitter" (none, equal, full, decorrelated).
import { nextFloat } from '../random/rng.js';
import type { BackoffParams } from './params.js';

/**
 * Delay before retry number `attempt` (0-based). `prevUs` is the previous delay, used by the
 * decorrelated policy; the caller stores the returned value for it.
 */
export function backoffDelayUs(
  b: BackoffParams,
  attempt: number,
  prevUs: number,
  rng: Uint32Array,
  i: number,
): number {
  const capped = Math.min(b.maxUs, b.baseUs * Math.pow(b.multiplier, attempt));
  switch (b.policy) {
    case 0:
      return capped;
    case 1:
      return capped / 2 + nextFloat(rng, i) * (capped / 2);
    case 2:
      return nextFloat(rng, i) * capped;
    default: {
      const prev = prevUs > 0 ? prevUs : b.baseUs;
      const hi = Math.max(b.baseUs, prev * 3);
      return Math.min(b.maxUs, b.baseUs + nextFloat(rng, i) * (hi - b.baseUs));
    }
  }
}
