// The lognormal service time: its percentiles are the configured p50 and p99, and the uniform
// form is unchanged.
import { describe, expect, it } from 'vitest';
import { drawServiceUs, normalQuantile } from '../../../src/backend-model/service-time.js';
import { modelShare } from '../../../src/backend-model/share.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

async function shareOf(latency: unknown) {
  const s = await resolveScenarioObject(
    { name: 'lat', fleet: [{ device: 'gateway', count: 1 }], backend: { ingest: { latency } } },
    'lat',
    { env: {} },
  );
  return modelShare(s.backend, 1, 0).ingest;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function sample(q: Parameters<typeof drawServiceUs>[2], n: number): Float64Array {
  const rng = new Uint32Array(n);
  for (let d = 0; d < n; d++) rng[d] = (d * 2654435761) >>> 0;
  const out = new Float64Array(n);
  for (let d = 0; d < n; d++) out[d] = drawServiceUs(rng, d, q);
  return out.sort();
}

describe('service time', () => {
  it('the normal quantile matches known values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 6);
    expect(normalQuantile(0.8413447461)).toBeCloseTo(1, 6);
  });

  it('{ p50, p99 } draws a lognormal with that median and 99th percentile', async () => {
    const q = await shareOf({ p50: '20ms', p99: '200ms' });
    const s = sample(q, 200_000);
    expect(percentile(s, 0.5) / 20_000).toBeGreaterThan(0.98);
    expect(percentile(s, 0.5) / 20_000).toBeLessThan(1.02);
    expect(percentile(s, 0.99) / 200_000).toBeGreaterThan(0.96);
    expect(percentile(s, 0.99) / 200_000).toBeLessThan(1.04);
    // a fixed-latency request (no draw) takes the mean, above the median for a right-skewed law
    expect(q.meanUs).toBeGreaterThan(20_000);
  });

  it('a range stays uniform over it', async () => {
    const q = await shareOf('1ms..5ms');
    const s = sample(q, 50_000);
    expect(q.logSigma).toBe(0);
    expect(s[0]).toBeGreaterThanOrEqual(1000);
    expect(s[s.length - 1]).toBeLessThanOrEqual(5000);
    expect(percentile(s, 0.5)).toBeGreaterThan(2900);
    expect(percentile(s, 0.5)).toBeLessThan(3100);
    expect(q.meanUs).toBe(3000);
  });

  it('refuses p99 below p50', async () => {
    await expect(shareOf({ p50: '20ms', p99: '10ms' })).rejects.toThrow(/p50 ≤ p99/);
  });
});
