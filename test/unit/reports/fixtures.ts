// Test fixtures for metrics and reports: a small resolved scenario, seeded snapshots recorded
// with the real Recorder, and a report assembled from a real Aggregator.
import { C, CONN_STATES, H, OTA_STATES } from '../../../src/metrics/catalog.js';
import { Aggregator } from '../../../src/metrics/aggregate.js';
import { Recorder, type MetricsSnapshot } from '../../../src/metrics/recorder.js';
import { evaluateThresholds } from '../../../src/metrics/thresholds.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../../../src/reports/report-types.js';
import { verdictOf } from '../../../src/reports/verdict.js';
import type { ResolvedScenario, ThresholdConfig } from '../../../src/scenario/types.js';

export const INTERVAL_US = 10_000_000;

/** mulberry32: a tiny seeded generator so fixtures are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeScenario(overrides: Partial<ResolvedScenario> = {}): ResolvedScenario {
  const range = (v: number) => ({ min: v, max: v });
  return {
    name: 'unit-fixture',
    description: 'fixture',
    sourcePath: 'scenarios/unit-fixture.yaml',
    profile: null,
    seed: 42,
    mode: 'virtual',
    durationUs: 60_000_000,
    intervalUs: INTERVAL_US,
    workers: 2,
    deviceTypes: {},
    fleet: [{ device: 'sensor', count: 1000, firmware: null }],
    powerOn: { startUs: 0, spreadUs: 10_000_000 },
    backend: {
      connect: {
        ratePerSec: 1000,
        burst: 100,
        queueLimit: 1000,
        maxSessions: 10_000,
        latencyUs: range(1000),
      },
      ingest: { ratePerSec: 1000, queueLimit: 1000, latencyUs: range(1000) },
      checkin: { ratePerSec: 100, queueLimit: 100, latencyUs: range(1000) },
      fanout: { ratePerSec: 1000, queueLimit: 1000, latencyUs: range(1000) },
      ota: { bandwidthBytesPerSec: 1e6, maxConcurrentDownloads: 10 },
    },
    rollout: null,
    faults: [],
    thresholds: [
      { expr: 'p99(mqtt_connect_duration_us) < 2s', abortOnFail: false },
      { expr: 'ota_bricked_total == 0', abortOnFail: false },
      { expr: 'connect_failure_ratio < 50%', abortOnFail: false },
    ],
    target: { mqttUrls: [], httpUrl: null },
    live: { speed: 1, maxConcurrentConnections: 1000, processes: 1 },
    shard: null,
    scaledFrom: null,
    ...overrides,
  };
}

/** A snapshot with seeded connect/publish latencies and counters. */
export function makeSnapshot(seed: number, events = 200): MetricsSnapshot {
  const r = rng(seed);
  const rec = new Recorder();
  for (let i = 0; i < events; i++) {
    rec.add(C.mqtt_connect_attempts_total);
    if (r() < 0.1) rec.add(C['mqtt_connect_failed_total{reason="timeout"}']);
    else {
      rec.add(C.mqtt_connect_success_total);
      rec.record(H.mqtt_connect_duration_us, 1000 + Math.floor(r() * 3_000_000));
    }
    rec.add(C.mqtt_publish_total);
    rec.record(H.mqtt_publish_ack_duration_us, 500 + Math.floor(r() * 200_000));
    if (r() < 0.05) {
      rec.add(C.ota_offered_total); // a failed attempt was offered the update first
      rec.add(C['ota_failed_total{reason="verify"}']);
    }
  }
  rec.add(C.ota_downloaded_bytes_total, Math.floor(r() * 1e9));
  return rec.snapshot();
}

export function states(seed: number): { conn: number[]; ota: number[] } {
  const r = rng(seed);
  return {
    conn: CONN_STATES.map(() => Math.floor(r() * 100)),
    ota: OTA_STATES.map(() => Math.floor(r() * 50)),
  };
}

export interface ReportInput {
  agg: Aggregator;
  scenario?: ResolvedScenario;
  reachedUs?: number;
  thresholds?: ThresholdConfig[];
  overrides?: Partial<Report>;
}

/** Assembles a full report around an aggregator, as the run orchestration does. */
export function reportFrom(input: ReportInput): Report {
  const scenario = input.scenario ?? makeScenario();
  const reachedUs = input.reachedUs ?? scenario.durationUs;
  const { metrics, series } = input.agg.build({ reachedUs });
  const thresholds = evaluateThresholds(input.thresholds ?? scenario.thresholds, metrics);
  const shard = scenario.shard ? ` --shard ${scenario.shard.index}/${scenario.shard.count}` : '';
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'fleetstorm', version: '0.1.0' },
    scenario,
    seed: scenario.seed,
    replay: `fleetstorm run ${scenario.sourcePath ?? '-'} --seed ${scenario.seed}${shard}`,
    status: 'completed',
    statusReason: null,
    verdict: verdictOf('completed', thresholds),
    reachedUs,
    intervalUs: scenario.intervalUs,
    devices: input.agg.devices,
    metrics,
    series,
    thresholds,
    faults: [],
    rollout: null,
    outcomes: { total: 0, sample: [], file: null },
    warnings: [],
    run: {
      startedAt: '2026-01-01T00:00:00.000Z',
      wallMs: 1234,
      node: 'v20.0.0',
      platform: 'linux-x64',
      workers: 2,
      eventsProcessed: 1000,
      outDir: null,
    },
    ...input.overrides,
  };
}

/** An aggregator fed with seeded snapshots for `intervals` intervals, `perInterval` each. */
export function seededAggregator(seed: number, intervals = 6, perInterval = 2, devices = 1000): Aggregator {
  const agg = new Aggregator({ intervalUs: INTERVAL_US, devices });
  for (let i = 0; i < intervals; i++) {
    for (let w = 0; w < perInterval; w++) agg.add(i, makeSnapshot(seed * 1000 + i * 10 + w));
    const s = states(seed * 1000 + i);
    agg.setStates(i, s.conn, s.ota);
  }
  return agg;
}
