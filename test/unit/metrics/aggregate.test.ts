import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/metrics/aggregate.js';
import { C, CONN_STATES, COUNTERS, H, HISTOGRAMS, OTA_STATES } from '../../../src/metrics/catalog.js';
import { newHistogram, Recorder, type MetricsSnapshot } from '../../../src/metrics/recorder.js';
import { INTERVAL_US, makeSnapshot, rng } from '../reports/fixtures.js';

function shuffled<T>(items: T[], seed: number): T[] {
  const r = rng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const batches: { interval: number; snap: MetricsSnapshot }[] = [];
for (let i = 0; i < 5; i++)
  for (let w = 0; w < 4; w++) batches.push({ interval: i, snap: makeSnapshot(100 + i * 4 + w) });

function aggregate(order: typeof batches): Aggregator {
  const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 10 });
  for (const b of order) agg.add(b.interval, b.snap);
  return agg;
}

describe('Aggregator merge', () => {
  it('gives identical encodings and counters whatever the arrival order', () => {
    const reference = JSON.stringify(aggregate(batches).build());
    for (const seed of [1, 2, 3])
      expect(JSON.stringify(aggregate(shuffled(batches, seed)).build())).toBe(reference);
  });

  it('equals one histogram that recorded every value directly', () => {
    const direct = newHistogram();
    const rec = new Recorder();
    const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 1 });
    const r = rng(7);
    for (let w = 0; w < 3; w++) {
      for (let i = 0; i < 500; i++) {
        const v = 1 + Math.floor(r() * 10 ** (1 + Math.floor(r() * 9)));
        direct.recordValue(v);
        rec.record(H.mqtt_connect_duration_us, v);
      }
      agg.add(0, rec.snapshot());
    }
    const built = agg.build().metrics.histograms.mqtt_connect_duration_us;
    expect(built?.hdr).toBe(hdr.encodeIntoCompressedBase64(direct));
    expect(built?.count).toBe(1500);
    expect(built?.p99Us).toBe(direct.getValueAtPercentile(99));
    expect(built?.maxUs).toBe(direct.getValueAtPercentile(100));
    expect(built?.minUs).toBe(direct.getValueAtPercentile(0));
  });

  it('sums counters, and family names sum their labels', () => {
    const agg = aggregate(batches);
    const expected = batches.reduce(
      (s, b) => s + (b.snap.counters[C.mqtt_connect_attempts_total] as number),
      0,
    );
    expect(agg.counter('mqtt_connect_attempts_total')).toBe(expected);
    const failed = COUNTERS.filter((n) => n.startsWith('mqtt_connect_failed_total'));
    const familySum = failed.reduce((s, n) => s + agg.counter(n), 0);
    expect(agg.counter('mqtt_connect_failed_total')).toBe(familySum);
    expect(familySum).toBeGreaterThan(0);
  });

  it('reads cumulative histograms mid-run', () => {
    const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 1 });
    expect(agg.histogram('mqtt_connect_duration_us').totalCount).toBe(0);
    agg.add(0, makeSnapshot(5, 100));
    const first = agg.histogram('mqtt_connect_duration_us').totalCount;
    agg.add(1, makeSnapshot(6, 100));
    expect(agg.histogram('mqtt_connect_duration_us').totalCount).toBeGreaterThan(first);
    expect(agg.intervalCount).toBe(2);
  });

  it('rejects a snapshot whose shape does not match the catalog', () => {
    const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 1 });
    expect(() => agg.add(0, { counters: [1], hists: [] })).toThrow(/does not match the catalog/);
    expect(() => agg.add(-1, makeSnapshot(1))).toThrow(/non-negative integer/);
  });
});

describe('Aggregator series', () => {
  it('keeps per-interval increments and interval histograms', () => {
    const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 1 });
    const a = makeSnapshot(11);
    const b = makeSnapshot(12);
    agg.add(0, a);
    agg.add(2, b);
    const { series } = agg.build();
    expect(series.timesUs).toEqual([INTERVAL_US, 2 * INTERVAL_US, 3 * INTERVAL_US]);
    const attempts = series.counters.mqtt_connect_attempts_total;
    expect(attempts).toEqual([
      a.counters[C.mqtt_connect_attempts_total],
      0,
      b.counters[C.mqtt_connect_attempts_total],
    ]);
    const points = series.histograms.mqtt_connect_duration_us ?? [];
    expect(points.map((p) => p.count)).toEqual([
      a.hists[H.mqtt_connect_duration_us]?.counts.reduce((s, c) => s + c, 0),
      0,
      b.hists[H.mqtt_connect_duration_us]?.counts.reduce((s, c) => s + c, 0),
    ]);
    expect(points[1]?.hdr).toBe('');
    expect(Object.keys(series.histograms)).toEqual([...HISTOGRAMS]);
  });

  it('covers the reached time and ends a partial last interval where the run stopped', () => {
    const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 1 });
    agg.add(0, makeSnapshot(1));
    const { series } = agg.build({ reachedUs: 35_000_000 });
    expect(series.timesUs).toEqual([10_000_000, 20_000_000, 30_000_000, 35_000_000]);
  });

  it('carries state counts and the on-target ratio forward', () => {
    const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 3 });
    const conn = CONN_STATES.map((_, i) => i);
    const ota = OTA_STATES.map((_, i) => 2 * i);
    agg.setStates(1, conn, ota);
    agg.setOnTargetRatio(1, 0.5);
    agg.setOnTargetRatio(3, 0.75);
    const { series } = agg.build();
    expect(series.connStates.connected).toEqual([0, 2, 2, 2]);
    expect(series.otaStates.committed).toEqual([0, 16, 16, 16]);
    expect(series.onTargetRatio).toEqual([0, 0.5, 0.5, 0.75]);
  });

  it('adds state counts from several callers with addStates', () => {
    const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 3 });
    const ones = (n: number) => new Array<number>(n).fill(1);
    agg.addStates(0, ones(CONN_STATES.length), ones(OTA_STATES.length));
    agg.addStates(0, ones(CONN_STATES.length), ones(OTA_STATES.length));
    expect(agg.build().series.connStates.off).toEqual([2]);
  });

  it('builds empty metrics with empty encodings', () => {
    const { metrics, series } = new Aggregator({ intervalUs: INTERVAL_US, devices: 0 }).build();
    expect(metrics.histograms.mqtt_connect_duration_us).toEqual({
      count: 0,
      minUs: 0,
      meanUs: 0,
      p50Us: 0,
      p90Us: 0,
      p99Us: 0,
      p999Us: 0,
      maxUs: 0,
      hdr: '',
    });
    expect(series.timesUs).toEqual([]);
    expect(metrics.derived.connect_failure_ratio).toBeNull();
    expect(metrics.derived.devices_total).toBe(0);
  });
});
