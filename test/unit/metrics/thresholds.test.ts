import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/metrics/aggregate.js';
import { C, H } from '../../../src/metrics/catalog.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { evaluateThresholds, parseThreshold } from '../../../src/metrics/thresholds.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { INTERVAL_US } from '../reports/fixtures.js';

function thrown(expr: string): ToolError {
  try {
    parseThreshold(expr);
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error(`no error for ${expr}`);
}

describe('parseThreshold', () => {
  it.each([
    ['p99(mqtt_connect_duration_us) < 2s', 'percentile', 99, 2_000_000],
    ['p(99.9)(mqtt_connect_duration_us) <= 500ms', 'percentile', 99.9, 500_000],
    ['p50( mqtt_connect_duration_us )>=1500us', 'percentile', 50, 1500],
    ['p999(mqtt_connect_duration_us) < 1m', 'percentile', 99.9, 60_000_000],
    ['max(ota_download_duration_us) < 2h', 'max', null, 7_200_000_000],
    ['min(ota_download_duration_us) > 1', 'min', null, 1],
    ['mean(mqtt_publish_ack_duration_us) < 0.5s', 'mean', null, 500_000],
    ['count(mqtt_connect_duration_us) >= 1_000', 'count', null, 1000],
    ['p99(mqtt_connect_duration) < 2s', 'percentile', 99, 2_000_000],
  ])('reads %s', (expr, stat, percentile, limit) => {
    const t = parseThreshold(expr);
    expect(t.target).toMatchObject({
      kind: 'histogram',
      metric: expect.stringMatching(/_us$/),
      stat,
      percentile,
    });
    expect(t.limit).toBeCloseTo(limit, 6);
  });

  it('reads counters, labelled counters, families and derived values', () => {
    expect(parseThreshold('ota_bricked_total == 0').target).toEqual({
      kind: 'counter',
      metric: 'ota_bricked_total',
      counters: ['ota_bricked_total'],
    });
    const one = parseThreshold('ota_failed_total{reason="verify"} < 10');
    expect(one.target).toMatchObject({ kind: 'counter', counters: ['ota_failed_total{reason="verify"}'] });
    expect(parseThreshold("ota_failed_total{ reason = 'verify' } < 10").target).toEqual(one.target);
    const family = parseThreshold('ota_failed_total < 100').target;
    expect(family.kind === 'counter' && family.counters.length).toBe(5);
    expect(parseThreshold('connect_failure_ratio < 1%')).toMatchObject({ limit: 0.01, valueKind: 'ratio' });
    expect(parseThreshold('fleet_recovery_duration_us < 30m').limit).toBe(1_800_000_000);
    expect(parseThreshold('fleet_recovery_duration < 30m').target).toEqual({
      kind: 'derived',
      metric: 'fleet_recovery_duration_us',
    });
    expect(parseThreshold('ota_downloaded_bytes_total < 4MiB').limit).toBe(4 * 1024 * 1024);
    expect(parseThreshold('devices_total != 1e3').limit).toBe(1000);
  });

  it('names the expression and the closest metric for an unknown name', () => {
    const e = thrown('p99(mqtt_conect_duration_us) < 2s');
    expect(e.code).toBe('FLEETSTORM_ERR_THRESHOLD');
    expect(e.where).toBe('threshold "p99(mqtt_conect_duration_us) < 2s"');
    expect(e.message).toContain('did you mean "mqtt_connect_duration_us"');
    expect(e.toLine()).toContain('mqtt_conect_duration_us');
    expect(thrown('ota_failed_total{reason="verfy"} < 1').message).toContain(
      'ota_failed_total{reason="verify"}',
    );
    expect(thrown('ota_brickd_total == 0').message).toContain('"ota_bricked_total"');
  });

  it.each([
    ['mqtt_connect_duration_us < 2s', /is a histogram/],
    ['p99(ota_bricked_total) < 1', /is a counter, not a histogram/],
    ['p101(mqtt_connect_duration_us) < 1s', /between 0 and 100/],
    ['median(mqtt_connect_duration_us) < 1s', /unknown statistic/],
    ['p99(mqtt_connect_duration_us) < 2 parsecs', /cannot read the limit/],
    ['p99(mqtt_connect_duration_us) < 1%', /is a ratio but .* is a duration/],
    ['connect_failure_ratio < 2s', /is a duration but .* is a ratio/],
    ['ota_bricked_total = 0', /expected "<metric> <op> <limit>"/],
    ['ota_bricked_total <', /expected/],
    ['< 2s', /expected/],
    ['p99(mqtt_connect_duration_us < 2s', /left-hand side/],
  ])('rejects %s', (expr, pattern) => {
    const e = thrown(expr);
    expect(e.code).toBe('FLEETSTORM_ERR_THRESHOLD');
    expect(e.message).toMatch(pattern);
  });
});

function fixture(): Aggregator {
  const rec = new Recorder();
  for (let i = 0; i < 99; i++) rec.record(H.mqtt_connect_duration_us, 100_000);
  rec.record(H.mqtt_connect_duration_us, 2_310_000);
  rec.add(C.mqtt_connect_attempts_total, 100);
  rec.add(C['mqtt_connect_failed_total{reason="timeout"}'], 2);
  rec.add(C.ota_offered_total, 10); // the subject of the ota_* counters below
  rec.add(C['ota_failed_total{reason="verify"}'], 3);
  rec.add(C['ota_failed_total{reason="power"}'], 4);
  const agg = new Aggregator({ intervalUs: INTERVAL_US, devices: 100 });
  agg.add(0, rec.snapshot());
  return agg;
}

const cfg = (expr: string, abortOnFail = false) => ({ expr, abortOnFail });

describe('an unknown metric', () => {
  it('is fixed with names a user of the npm package can act on, not a source file', () => {
    const e = thrown('p99(mqtt_conect_duration_us) < 2s');
    expect(e.fix).toBe(
      'use one of the closest names (mqtt_connect_duration_us, http_checkin_duration_us, outage_reconnect_duration_us) or a metric of the "Metrics" section of fleetstorm\'s README.md',
    );
    expect(e.fix).not.toContain('src/');
  });
});

describe('evaluateThresholds', () => {
  it('compares in the metric unit and explains the result', () => {
    const [p100, p50] = evaluateThresholds(
      [cfg('p(100)(mqtt_connect_duration_us) < 2s', true), cfg('p50(mqtt_connect_duration_us) < 2s')],
      fixture(),
    );
    expect(p100).toMatchObject({ ok: false, abortOnFail: true, limit: 2_000_000 });
    expect(p100?.message).toBe('p(100)(mqtt_connect_duration_us) = 2.31s, limit < 2s');
    expect(p50?.ok).toBe(true);
  });

  it('sums label families and reads derived values', () => {
    const results = evaluateThresholds(
      [
        cfg('ota_failed_total < 7'),
        cfg('ota_failed_total <= 7'),
        cfg('ota_failed_total{reason="verify"} == 3'),
        cfg('connect_failure_ratio < 1%'),
        cfg('connect_failure_ratio != 0'),
        cfg('count(mqtt_connect_duration_us) > 99'),
        cfg('devices_total >= 100'),
      ],
      fixture(),
    );
    expect(results.map((r) => r.ok)).toEqual([false, true, true, false, true, true, true]);
    expect(results[3]?.message).toBe('connect_failure_ratio = 2%, limit < 1%');
    expect(results[0]?.observed).toBe(7);
  });

  it('fails a threshold on no data, with a clear message', () => {
    const [p99, recovery, count] = evaluateThresholds(
      [
        cfg('p99(ota_download_duration_us) < 1m'),
        cfg('fleet_recovery_duration_us < 30m'),
        cfg('count(ota_download_duration_us) == 0'),
      ],
      fixture(),
    );
    expect(p99).toMatchObject({ ok: false, observed: null });
    expect(p99?.message).toBe(
      'p99(ota_download_duration_us): no data: no values recorded in ota_download_duration_us; limit < 1m',
    );
    expect(recovery?.message).toContain('no outage with connected devices');
    expect(count).toMatchObject({ ok: false, observed: null }); // zero samples is no data
  });

  it('passes thresholds without data on request (mid-run abort checks)', () => {
    const [r] = evaluateThresholds([cfg('p99(ota_download_duration_us) < 1m', true)], fixture(), {
      noDataPasses: true,
    });
    expect(r).toMatchObject({ ok: true, observed: null });
  });

  it('gives the same results on a report’s metrics as on the aggregator', () => {
    const agg = fixture();
    const configs = [
      cfg('p99(mqtt_connect_duration_us) < 2s'),
      cfg('max(mqtt_connect_duration_us) < 2s'),
      cfg('mean(mqtt_connect_duration_us) < 200ms'),
      cfg('min(mqtt_connect_duration_us) > 50ms'),
      cfg('ota_failed_total < 100'),
      cfg('connect_failure_ratio < 5%'),
    ];
    expect(evaluateThresholds(configs, agg.build().metrics)).toEqual(evaluateThresholds(configs, agg));
  });

  it('throws ToolError on a bad expression', () => {
    expect(() => evaluateThresholds([cfg('nope > 1')], fixture())).toThrow(ToolError);
  });
});
