import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/metrics/aggregate.js';
import { C, H } from '../../../src/metrics/catalog.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { ToolError } from '../../../src/errors/tool-error.js';
import { deterministicJson } from '../../../src/reports/json.js';
import { firstDifference, mergeReports } from '../../../src/reports/merge.js';
import type { Report, WaveReport } from '../../../src/reports/report-types.js';
import { INTERVAL_US, makeScenario, makeSnapshot, reportFrom, states } from './fixtures.js';

const SHARDS = 2;
const INTERVALS = 6;

/** Device-level facts of one shard in one interval, as its workers would report them. */
function shardInterval(shard: number, i: number) {
  const rec = new Recorder();
  rec.add(C.ota_targeted_total, 10 + shard);
  rec.add(C.outage_tracked_devices_total, 50);
  for (let d = 0; d < 50; d++)
    rec.record(H.outage_reconnect_duration_us, (1 + d + shard * 7 + i) * 1_000_000);
  return {
    snaps: [makeSnapshot(shard * 100 + i), makeSnapshot(shard * 100 + i + 50), rec.snapshot()],
    s: states(shard * 10 + i),
  };
}

/** Shard aggregators plus one aggregator fed the union of everything. */
function build() {
  const shards = Array.from(
    { length: SHARDS },
    () => new Aggregator({ intervalUs: INTERVAL_US, devices: 500 }),
  );
  const union = new Aggregator({ intervalUs: INTERVAL_US, devices: 500 * SHARDS });
  const targeted = new Array<number>(SHARDS).fill(0);
  for (let i = 0; i < INTERVALS; i++) {
    let committed = 0;
    shards.forEach((agg, k) => {
      const { snaps, s } = shardInterval(k, i);
      for (const snap of snaps) {
        agg.add(i, snap);
        union.add(i, snap);
      }
      agg.setStates(i, s.conn, s.ota);
      union.addStates(i, s.conn, s.ota);
      targeted[k] = (targeted[k] as number) + 10 + k;
      const onTarget = Math.min(targeted[k] as number, 3 * i + k);
      committed += onTarget;
      agg.setOnTargetRatio(i, onTarget / (targeted[k] as number));
    });
    union.setOnTargetRatio(i, committed / targeted.reduce((a, b) => a + b, 0));
  }
  return { shards, union };
}

function shardReport(agg: Aggregator, index: number, overrides: Partial<Report> = {}): Report {
  const scenario = makeScenario({ shard: { index, count: SHARDS }, workers: index + 1 });
  return reportFrom({ agg, scenario, overrides });
}

describe('mergeReports', () => {
  it('equals the report aggregated from the union of the shards', () => {
    const { shards, union } = build();
    const merged = mergeReports(shards.map((agg, i) => shardReport(agg, i)));
    const expected = reportFrom({ agg: union, scenario: makeScenario({ shard: null, workers: 1 }) });
    expect(merged.metrics).toEqual(expected.metrics);
    expect(merged.series).toEqual(expected.series);
    expect(merged.thresholds).toEqual(expected.thresholds);
    expect(merged.devices).toBe(expected.devices);
    expect(merged.verdict).toBe(expected.verdict);
    expect(merged.replay).toBe(expected.replay);
    expect(merged.metrics.derived.fleet_recovery_duration_us).not.toBeNull();
    expect(merged.metrics.derived.fleet_on_target_ratio).toBe(union.derived('fleet_on_target_ratio'));
  });

  it('is independent of the order the shards are given in', () => {
    const { shards } = build();
    const reports = shards.map((agg, i) => shardReport(agg, i));
    const a = mergeReports(reports);
    const b = mergeReports([...reports].reverse());
    expect(a.metrics).toEqual(b.metrics);
    expect(a.series).toEqual(b.series);
  });

  it('rejects reports of different scenarios or schema versions', () => {
    const { shards } = build();
    const a = shardReport(shards[0] as Aggregator, 0);
    const other = reportFrom({
      agg: shards[1] as Aggregator,
      scenario: makeScenario({ durationUs: 1, shard: { index: 1, count: 2 } }),
    });
    const err = (() => {
      try {
        mergeReports([a, other]);
      } catch (e) {
        return e as ToolError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ToolError);
    expect(err?.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(err?.message).toContain('scenario.durationUs');
    const v2 = { ...shardReport(shards[1] as Aggregator, 1), schemaVersion: 2 } as unknown as Report;
    expect(() => mergeReports([a, v2])).toThrow(/schema version 2/);
    expect(() => mergeReports([a, a])).toThrow(/given twice/);
    expect(() => mergeReports([])).toThrow(ToolError);
  });

  it('refuses a merge with a shard missing (exit 2), unless partial merges are allowed', () => {
    const { shards } = build();
    const one = shardReport(shards[0] as Aggregator, 0);
    let err: unknown = null;
    try {
      mergeReports([one]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect((err as ToolError).exitCode).toBe(2);
    expect((err as ToolError).message).toBe('1 of 2 shards given; missing shard 1');
    expect((err as ToolError).fix).toContain('--allow-partial');
    const partial = mergeReports([one], { allowPartial: true });
    expect(partial.warnings).toContain(
      'partial merge (--allow-partial): 1 of 2 shards; missing shard 1: counts and verdict cover part of the fleet',
    );
  });

  it('keeps the worst run status', () => {
    const { shards } = build();
    const one = shardReport(shards[0] as Aggregator, 0, { status: 'interrupted', statusReason: 'SIGINT' });
    const merged = mergeReports([one], { allowPartial: true });
    expect(merged.status).toBe('interrupted');
    expect(merged.statusReason).toBe('shard 0/2: SIGINT');
    expect(merged.verdict).toBe('incomplete');
    expect(merged.scenario.shard).toBeNull();
  });

  it('combines the fault timeline by fault id and sums rollout waves', () => {
    const { shards } = build();
    const wave = (over: Partial<WaveReport>): WaveReport => ({
      index: 0,
      startedAtUs: 1000,
      endedAtUs: 5000,
      targeted: 10,
      offered: 10,
      succeeded: 8,
      failed: 1,
      rolledBack: 1,
      bricked: 0,
      pending: 0,
      ...over,
    });
    const a = shardReport(shards[0] as Aggregator, 0, {
      faults: [
        { faultId: 'f0', type: 'backend-outage', atUs: 3000, durationUs: 1000, devicesHit: 40 },
        { faultId: 'f1', type: 'radio-drop', atUs: 100, durationUs: 50, devicesHit: 3 },
      ],
      rollout: {
        version: '2.1.0',
        state: 'done',
        stateReason: null,
        waves: [wave({}), wave({ index: 1, endedAtUs: null })],
      },
    });
    const b = shardReport(shards[1] as Aggregator, 1, {
      faults: [{ faultId: 'f1', type: 'radio-drop', atUs: 80, durationUs: 100, devicesHit: 5 }],
      rollout: {
        version: '2.1.0',
        state: 'paused',
        stateReason: 'failure limit',
        waves: [wave({ startedAtUs: 900, endedAtUs: 6000 })],
      },
    });
    const merged = mergeReports([a, b]);
    expect(merged.faults).toEqual([
      { faultId: 'f1', type: 'radio-drop', atUs: 80, durationUs: 100, devicesHit: 8 },
      { faultId: 'f0', type: 'backend-outage', atUs: 3000, durationUs: 1000, devicesHit: 40 },
    ]);
    expect(merged.rollout?.state).toBe('paused');
    expect(merged.rollout?.stateReason).toBe('failure limit');
    expect(merged.rollout?.waves[0]).toMatchObject({
      startedAtUs: 900,
      endedAtUs: 6000,
      targeted: 20,
      succeeded: 16,
    });
    expect(merged.rollout?.waves[1]).toMatchObject({ endedAtUs: null, targeted: 10 });
  });

  it('gives the same deterministic text for the same inputs', () => {
    const { shards } = build();
    const reports = shards.map((agg, i) => shardReport(agg, i));
    expect(deterministicJson(mergeReports(reports))).toBe(deterministicJson(mergeReports(reports)));
  });
});

describe('firstDifference', () => {
  it('finds the path of the first differing field', () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] })).toBe('b[1]');
    expect(firstDifference({ a: { x: 1 } }, { a: { x: 1 } })).toBeNull();
    expect(firstDifference({ a: 1 }, { a: 1, c: 2 })).toBe('c');
  });
});
