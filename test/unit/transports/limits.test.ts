// Token buckets as reservations: a burst goes at once, then each unit waits its turn; the limiter
// counts what it held per limit. The clock is injected.
import { describe, expect, it } from 'vitest';
import { TargetLimiter, TokenBucket } from '../../../src/transports/limits/index.js';

describe('TokenBucket', () => {
  it('lets the burst go at once, then spaces units at the rate', () => {
    const b = new TokenBucket(100, 10); // 10 ms per unit
    const waits = Array.from({ length: 13 }, () => b.reserve(1, 0));
    expect(waits.slice(0, 10)).toEqual(new Array(10).fill(0));
    expect(waits.slice(10)).toEqual([10_000, 20_000, 30_000]);
  });

  it('refills while idle, never beyond the burst', () => {
    const b = new TokenBucket(100, 2);
    for (let i = 0; i < 5; i++) b.reserve(1, 0);
    expect(b.reserve(1, 10_000_000)).toBe(0);
    expect(b.reserve(1, 10_000_000)).toBe(0);
    expect(b.reserve(1, 10_000_000)).toBe(10_000);
  });

  it('spaces large reservations by their size (bytes)', () => {
    const b = new TokenBucket(1000, 1);
    expect(b.reserve(500, 0)).toBe(0);
    expect(b.reserve(500, 0)).toBe(500_000); // the first one's 500 units drain first
  });
});

describe('TargetLimiter', () => {
  it('holds operations past a limit and counts them per limit', () => {
    let nowUs = 0;
    const seen: string[] = [];
    const l = new TargetLimiter({
      connectRatePerSec: 10,
      publishRatePerSec: null,
      requestRatePerSec: null,
      bandwidthBytesPerSec: 1000,
      clock: () => nowUs,
      onDelayed: (limit) => seen.push(limit),
    });
    expect(l.connectWaitMs()).toBe(0); // burst of 1 (100 ms of 10/s)
    expect(l.connectWaitMs()).toBe(100);
    expect(l.publishWaitMs(50)).toBe(0); // bandwidth burst: 100 B (100 ms of 1000 B/s)
    expect(l.publishWaitMs(100)).toBe(0);
    expect(l.publishWaitMs(10)).toBeCloseTo(51, 6);
    nowUs = 10e6;
    expect(l.connectWaitMs()).toBe(0);
    expect(seen).toEqual(['connect_rate', 'bandwidth']);
    expect(l.delayed).toMatchObject({ connect_rate: 1, bandwidth: 1, publish_rate: 0 });
  });
});
