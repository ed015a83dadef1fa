// sampleReport(): a plausible report.json v1 of a 24 h, 1M-device run with a rollout, faults
// and a reconnect storm, for renderer tests. Numbers hang together (series sum to counters)
// without running the engine.
import type {
  DeviceOutcome,
  FaultTimelineEntry,
  HistogramPoint,
  HistogramReport,
  Report,
  WaveReport,
} from '../../src/reports/report-types.js';
import { REPORT_SCHEMA_VERSION } from '../../src/reports/report-types.js';
import {
  H,
  M,
  OUTAGE,
  S,
  WAVES,
  badAt,
  committedAt,
  connStatesAt,
  connectLatency,
  inFlightAt,
  latencyPoint,
  noise,
  otaStatesAt,
  phaseOf,
  FLAT_AT_US,
  FLAT_DEVICES,
  DEVICES,
} from './sample-series.js';
import { sampleScenario } from './sample-scenario.js';

type Series = Report['series'];

function push(map: Record<string, number[]>, key: string, value: number): void {
  (map[key] ??= []).push(Math.max(0, Math.round(value)));
}

function connectCounters(
  counters: Record<string, number[]>,
  phase: ReturnType<typeof phaseOf>,
  connected: number,
  i: number,
): number {
  const table = {
    'power-on': { attempts: 520_000, rejected: 4_000, outage: 0, timeout: 2_500 },
    outage: { attempts: 2_900_000, rejected: 0, outage: 2_900_000, timeout: 0 },
    'storm-1': { attempts: 1_400_000, rejected: 610_000, outage: 0, timeout: 160_000 },
    'storm-2': { attempts: 520_000, rejected: 90_000, outage: 0, timeout: 25_000 },
    steady: { attempts: 1_600 + noise(i, 3) * 500, rejected: 0, outage: 0, timeout: 30 + noise(i, 4) * 20 },
  }[phase];
  const failed = table.rejected + table.outage + table.timeout;
  const success = Math.max(0, table.attempts - failed);
  push(counters, 'mqtt_connect_attempts_total', table.attempts);
  push(counters, 'mqtt_connect_success_total', success);
  push(counters, 'mqtt_connect_failed_total{reason="rejected"}', table.rejected);
  push(counters, 'mqtt_connect_failed_total{reason="timeout"}', table.timeout);
  push(counters, 'mqtt_connect_failed_total{reason="outage"}', table.outage);
  push(counters, 'mqtt_disconnects_total{reason="outage"}', phase === 'outage' && i % 3 === 0 ? 975_000 : 0);
  push(
    counters,
    'mqtt_disconnects_total{reason="keepalive"}',
    phase === 'steady' ? 1_500 + noise(i, 5) * 400 : 0,
  );
  const publishes = (connected * 5) / 15;
  push(counters, 'mqtt_publish_total', publishes);
  push(counters, 'mqtt_publish_acked_total', publishes * 0.999);
  push(counters, 'mqtt_publish_failed_total{reason="lost"}', publishes * 0.001);
  push(counters, 'telemetry_skipped_total', phase === 'outage' ? 330_000 : 0);
  return success;
}

function otaCounters(counters: Record<string, number[]>, startUs: number, endUs: number): void {
  const offered = WAVES.filter((w) => w.startUs >= startUs && w.startUs < endUs).reduce(
    (n, w) => n + w.size,
    0,
  );
  const succeeded = committedAt(endUs) - committedAt(startUs);
  const b0 = badAt(startUs);
  const b1 = badAt(endUs);
  push(counters, 'ota_offered_total', offered);
  push(
    counters,
    'ota_download_started_total',
    Math.max(0, inFlightAt(endUs) - inFlightAt(startUs)) + succeeded,
  );
  push(counters, 'ota_succeeded_total', succeeded);
  push(counters, 'ota_failed_total{reason="download"}', (b1.failed - b0.failed) * 0.6);
  push(counters, 'ota_failed_total{reason="power"}', (b1.failed - b0.failed) * 0.4);
  push(counters, 'ota_rolled_back_total', b1.rolledBack - b0.rolledBack);
  push(counters, 'ota_bricked_total', b1.bricked - b0.bricked);
}

export function sampleSeries(intervalUs: number, durationUs: number): Series {
  const series: Series = {
    timesUs: [],
    counters: {},
    histograms: {},
    connStates: {},
    otaStates: {},
    onTargetRatio: [],
  };
  const hist = (name: string, p: HistogramPoint): void => void (series.histograms[name] ??= []).push(p);
  for (let i = 0; (i + 1) * intervalUs <= durationUs; i += 1) {
    const endUs = (i + 1) * intervalUs;
    const phase = phaseOf(endUs, intervalUs);
    const conn = connStatesAt(endUs, phase);
    series.timesUs.push(endUs);
    for (const [k, v] of Object.entries(conn)) push(series.connStates, k, v);
    for (const [k, v] of Object.entries(otaStatesAt(endUs))) push(series.otaStates, k, v);
    series.onTargetRatio.push(committedAt(endUs) / DEVICES);
    const connects = connectCounters(series.counters, phase, conn['connected'] ?? 0, i);
    otaCounters(series.counters, endUs - intervalUs, endUs);
    hist('mqtt_connect_duration_us', connectLatency(phase, connects, i));
    const acks = phase === 'outage' ? 0 : (series.counters['mqtt_publish_acked_total']?.[i] ?? 0);
    hist(
      'mqtt_publish_ack_duration_us',
      latencyPoint(acks, phase.startsWith('storm') ? 400_000 : 28_000, 1.2, i, 6),
    );
    const downloads = series.counters['ota_succeeded_total']?.[i] ?? 0;
    hist(
      'ota_download_duration_us',
      latencyPoint(downloads, 3 * M + (phase === 'steady' ? 0 : 4 * M), 1.3, i, 7),
    );
    hist(
      'outage_reconnect_duration_us',
      latencyPoint(phase.startsWith('storm') ? connects : 0, phase === 'storm-1' ? 2 * M : 7 * M, 1.1, i, 8),
    );
  }
  return series;
}

function hr(count: number, p50Us: number, p99Us: number, maxUs: number): HistogramReport {
  return {
    count,
    minUs: Math.round(p50Us / 8),
    meanUs: Math.round(p50Us * 1.6),
    p50Us,
    p90Us: Math.round((p50Us + p99Us) / 3),
    p99Us,
    p999Us: Math.round((p99Us + maxUs) / 2),
    maxUs,
    hdr: '',
  };
}

function faultTimeline(series: Series): FaultTimelineEntry[] {
  const entries: FaultTimelineEntry[] = [];
  series.timesUs.forEach((endUs, i) => {
    const startUs = endUs - (series.timesUs[0] ?? 0);
    const downloading = series.otaStates['downloading']?.[i] ?? 0;
    const installing = series.otaStates['installing']?.[i] ?? 0;
    if (downloading > 0)
      entries.push({
        faultId: 'f0',
        type: 'radio-drop',
        atUs: startUs + 40 * S,
        durationUs: 4 * M,
        devicesHit: Math.round(downloading * 0.05),
      });
    if (installing > 0)
      entries.push({
        faultId: 'f1',
        type: 'power-loss',
        atUs: startUs + 2 * M,
        durationUs: 0,
        devicesHit: Math.max(1, Math.round(installing * 0.01)),
      });
  });
  entries.push({
    faultId: 'f2',
    type: 'battery-flat',
    atUs: FLAT_AT_US,
    durationUs: 0,
    devicesHit: FLAT_DEVICES,
  });
  entries.push({
    faultId: 'f3',
    type: 'backend-outage',
    atUs: OUTAGE.startUs,
    durationUs: OUTAGE.endUs - OUTAGE.startUs,
    devicesHit: 979_963,
  });
  return entries.sort((a, b) => a.atUs - b.atUs);
}

function waves(): WaveReport[] {
  return WAVES.map((w, index) => {
    const bad = {
      bricked: [0, 3, 15, 19][index] ?? 0,
      rolledBack: [1, 11, 48, 60][index] ?? 0,
      failed: [4, 36, 160, 200][index] ?? 0,
    };
    return {
      index,
      startedAtUs: w.startUs,
      endedAtUs: w.startUs + w.takesUs,
      targeted: w.size,
      offered: w.size,
      succeeded: w.size - bad.bricked - bad.rolledBack - bad.failed,
      failed: bad.failed,
      rolledBack: bad.rolledBack,
      bricked: bad.bricked,
      pending: 0,
    };
  });
}

function outcomes(): DeviceOutcome[] {
  const kinds: DeviceOutcome['outcome'][] = ['bricked', 'rolled-back', 'failed'];
  return Array.from({ length: 24 }, (_, k) => {
    const outcome = kinds[k % 3] ?? 'failed';
    const at = 1 * H + Math.round(noise(k, 9) * 9 * H);
    const trail = [
      { atUs: at, event: 'ota offered 2.1.0' },
      { atUs: at + 3 * M, event: 'download complete (4MiB, 1 resume)' },
      { atUs: at + 4 * M, event: outcome === 'bricked' ? 'power-loss during install' : 'install' },
      {
        atUs: at + 6 * M,
        event:
          outcome === 'bricked'
            ? 'boot failed on both slots'
            : outcome === 'rolled-back'
              ? 'health check failed → rollback to 2.0.3'
              : 'verify failed: sha256 mismatch (3 attempts)',
      },
    ];
    return {
      device: 1_000 + Math.round(noise(k, 10) * 998_000),
      deviceType: k % 5 === 0 ? 'gateway' : 'sensor',
      outcome,
      trail,
    };
  });
}

export interface SampleOptions {
  intervalUs?: number;
}

export function sampleReport(options: SampleOptions = {}): Report {
  const scenario = sampleScenario();
  const intervalUs = options.intervalUs ?? scenario.intervalUs;
  const series = sampleSeries(intervalUs, scenario.durationUs);
  const counters: Record<string, number> = {};
  for (const [name, values] of Object.entries(series.counters))
    counters[name] = values.reduce((a, b) => a + b, 0);
  counters['devices_powered_on_total'] = DEVICES;
  counters['ota_targeted_total'] = DEVICES;
  counters['faults_injected_total{type="battery-flat"}'] = FLAT_DEVICES;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'fleetstorm', version: '0.1.0' },
    scenario: { ...scenario, intervalUs },
    seed: 42,
    replay: 'fleetstorm run scenarios/ota-rollout-under-radio-drops.yaml --seed 42',
    status: 'completed',
    statusReason: null,
    verdict: 'failed',
    reachedUs: scenario.durationUs,
    intervalUs,
    devices: DEVICES,
    metrics: {
      histograms: {
        mqtt_connect_duration_us: hr(
          counters['mqtt_connect_success_total'] ?? 0,
          46_000,
          48 * S,
          2 * M + 10 * S,
        ),
        mqtt_publish_ack_duration_us: hr(counters['mqtt_publish_acked_total'] ?? 0, 28_000, 190_000, 3 * S),
        ota_download_duration_us: hr(counters['ota_succeeded_total'] ?? 0, 3 * M, 14 * M, 41 * M),
        outage_reconnect_duration_us: hr(979_963, 2 * M, 11 * M, 22 * M),
        generator_lag_us: hr(0, 0, 0, 0),
      },
      counters,
      derived: {
        connect_failure_ratio: 0.31,
        publish_failure_ratio: 0.001,
        ota_failure_ratio: 0.000557,
        fleet_recovery_duration_us: 22 * M,
        fleet_convergence_duration_us: 10 * H + 20 * M,
        fleet_on_target_ratio: 0.99944,
        fleet_online_ratio: 0.9991,
        devices_total: DEVICES,
      },
    },
    series,
    thresholds: [
      {
        expr: 'p99(mqtt_connect_duration_us) < 2s',
        abortOnFail: false,
        observed: 48 * S,
        limit: 2 * S,
        ok: false,
        message: 'p99 of mqtt_connect_duration_us was 48s, limit 2s',
      },
      {
        expr: 'ota_bricked_total == 0',
        abortOnFail: false,
        observed: 37,
        limit: 0,
        ok: false,
        message: '37 devices bricked',
      },
      {
        expr: 'fleet_recovery_duration_us < 30m',
        abortOnFail: false,
        observed: 22 * M,
        limit: 30 * M,
        ok: true,
        message: 'fleet recovered in 22m',
      },
      {
        expr: 'ota_failure_ratio < 2%',
        abortOnFail: true,
        observed: 0.000557,
        limit: 0.02,
        ok: true,
        message: 'ota failure ratio 0.056%',
      },
    ],
    faults: faultTimeline(series),
    rollout: { version: '2.1.0', state: 'done', stateReason: null, waves: waves() },
    outcomes: { total: 557, sample: outcomes(), file: 'outcomes.ndjson' },
    warnings: [
      'Backend connect queue hit its limit (100k) at 12h15m: 700k connects refused with reason 0x9F.',
    ],
    run: {
      startedAt: '2025-11-23T16:00:00.000Z',
      wallMs: 41_250,
      node: 'v20.19.0',
      platform: 'linux-x64',
      workers: 2,
      eventsProcessed: 123_456_789,
      outDir: 'reports/20251123-160000-ota-rollout-under-radio-drops',
    },
  };
}
