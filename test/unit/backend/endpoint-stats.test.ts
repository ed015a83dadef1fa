// Server-side measurement per endpoint: counts, errors, and percentiles within the 5 % buckets.
import { describe, expect, it } from 'vitest';
import { EndpointStats } from '../../../src/backend/endpoint-stats.js';

describe('EndpointStats', () => {
  it('counts requests and errors per endpoint and gives percentiles within 5 %', () => {
    const s = new EndpointStats();
    for (let i = 1; i <= 1000; i++) s.add('check', i * 100, i % 10 === 0 ? 503 : 200); // 100 µs .. 100 ms
    s.add('status', 2000, 0); // no answer at all: an error
    const snap = s.snapshot();
    expect(Object.keys(snap)).toEqual(['check', 'status']);
    const c = snap.check;
    expect(c?.requests).toBe(1000);
    expect(c?.errors).toBe(100);
    expect(c?.maxUs).toBe(100_000);
    for (const [p, exact] of [
      [c?.p50Us, 50_000],
      [c?.p90Us, 90_000],
      [c?.p99Us, 99_000],
    ] as const) {
      expect(p ?? 0).toBeGreaterThanOrEqual(exact * 0.95);
      expect(p ?? 0).toBeLessThanOrEqual(exact * 1.06);
    }
    expect(snap.status).toMatchObject({ requests: 1, errors: 1 });
  });
});
