// A plausible resolved scenario for report fixtures: 1M devices for 24 h, a four-wave rollout
// from 1 h, radio drops while downloading, power loss while installing, 2% of batteries flat at
// 6 h and a 15-minute backend outage at 12 h.
import type { DeviceType, FaultConfig, ResolvedScenario } from '../../src/scenario/types.js';

export const S = 1_000_000;
export const M = 60 * S;
export const H = 60 * M;

function deviceType(name: string, profile: 'lte-m' | 'wifi', capacityMah: number | null): DeviceType {
  const backoff = { policy: 'full' as const, baseUs: 1 * S, maxUs: 5 * M, multiplier: 2 };
  const telemetryStream = {
    intervalUs: 15 * M,
    jitterUs: 30 * S,
    payloadBytes: { min: 200, max: 400 },
    qos: 1 as const,
    retain: false,
    topic: null,
    template: null,
  };
  return {
    name,
    firmware: '2.0.3',
    radio: {
      profile,
      bandwidthBytesPerSec: profile === 'wifi' ? 2_500_000 : 40_000,
      latencyUs: { min: 20_000, max: 120_000 },
      lossRatio: 0.002,
    },
    battery: {
      capacityMah,
      initialRatio: { min: 0.3, max: 1 },
      drainMa: { sleep: 0.01, connected: 8, download: 120, install: 90 },
      publishMah: 0.002,
      onFlat: 'dark',
      rechargeAfterUs: { min: 0, max: 0 },
    },
    connectivity: {
      mode: 'persistent',
      keepaliveUs: 60 * S,
      connectTimeoutUs: 30 * S,
      cleanSession: false,
      protocol: '3.1.1',
      sessionExpiryUs: 3600 * S,
      backoff,
      identity: { clientId: '{run}-{index}', username: null, password: null },
    },
    telemetry: {
      ...telemetryStream,
      streams: [telemetryStream],
    },
    ota: {
      slots: 'ab',
      resume: true,
      discovery: 'poll',
      checkIntervalUs: 1 * H,
      minBatteryRatio: 0.2,
      verifyUs: { min: 2 * S, max: 5 * S },
      installUs: { min: 60 * S, max: 120 * S },
      rebootUs: { min: 20 * S, max: 40 * S },
      healthCheckUs: { min: 30 * S, max: 60 * S },
      healthFailureRatio: 0.001,
      maxAttempts: 3,
      retryBackoff: { ...backoff, baseUs: 5 * M, maxUs: 1 * H },
      protocol: 'fleetstorm',
      mender: null,
      hawkbit: null,
      awsJobs: null,
    },
  };
}

function fault(id: string, type: FaultConfig['type'], partial: Partial<FaultConfig>): FaultConfig {
  return {
    type,
    id,
    atUs: null,
    everyUs: null,
    during: null,
    when: null,
    durationUs: { min: 0, max: 0 },
    who: { ratio: 1, count: null, deviceTypes: null, firmwareVersions: null, states: null },
    params: { latencyUs: null, lossRatio: null, bandwidthBytesPerSec: null, skewUs: null, slowFactor: null },
    ...partial,
  };
}

export function sampleScenario(): ResolvedScenario {
  const rate = (
    ratePerSec: number,
  ): { ratePerSec: number; queueLimit: number; latencyUs: { min: number; max: number } } => ({
    ratePerSec,
    queueLimit: 200_000,
    latencyUs: { min: 2_000, max: 8_000 },
  });
  return {
    name: 'ota-rollout-under-radio-drops',
    description: 'Four-wave rollout of 2.1.0 to 1M devices while radios drop and the broker restarts.',
    sourcePath: 'scenarios/ota-rollout-under-radio-drops.yaml',
    profile: null,
    seed: 42,
    mode: 'virtual',
    durationUs: 24 * H,
    intervalUs: 5 * M,
    workers: 0,
    deviceTypes: {
      sensor: deviceType('sensor', 'lte-m', 2400),
      gateway: deviceType('gateway', 'wifi', null),
    },
    fleet: [
      { device: 'sensor', count: 900_000, firmware: null },
      { device: 'gateway', count: 100_000, firmware: null },
    ],
    powerOn: { startUs: 0, spreadUs: 10 * M },
    backend: {
      connect: {
        ratePerSec: 2_000,
        burst: 5_000,
        queueLimit: 100_000,
        maxSessions: 2_000_000,
        latencyUs: { min: 1_000, max: 5_000 },
      },
      ingest: rate(50_000),
      checkin: rate(5_000),
      fanout: rate(20_000),
      ota: { bandwidthBytesPerSec: 1_250_000_000, maxConcurrentDownloads: 20_000 },
    },
    rollout: {
      firmware: { version: '2.1.0', sizeBytes: 4 * 1024 * 1024 },
      startUs: 1 * H,
      waves: [0.01, 0.1, 0.5, 1].map((ratio) => ({ ratio, count: null })),
      waveIntervalUs: 2 * H,
      waveWhenDoneRatio: null,
      selector: { deviceTypes: null, fromVersions: null, ratio: 1 },
      maxConcurrentDownloads: null,
      failureLimit: { ratio: 0.02, action: 'abort' },
      kind: 'update',
    },
    faults: [
      fault('f0', 'radio-drop', {
        during: 'ota.downloading',
        durationUs: { min: 30 * S, max: 10 * M },
        who: { ratio: 0.05, count: null, deviceTypes: null, firmwareVersions: null, states: null },
      }),
      fault('f1', 'power-loss', {
        during: 'ota.installing',
        who: { ratio: 0.01, count: null, deviceTypes: null, firmwareVersions: null, states: null },
      }),
      fault('f2', 'battery-flat', {
        atUs: 6 * H,
        who: { ratio: 0.02, count: null, deviceTypes: ['sensor'], firmwareVersions: null, states: null },
      }),
      fault('f3', 'backend-outage', { atUs: 12 * H, durationUs: { min: 15 * M, max: 15 * M } }),
    ],
    thresholds: [
      { expr: 'p99(mqtt_connect_duration_us) < 2s', abortOnFail: false },
      { expr: 'ota_bricked_total == 0', abortOnFail: false },
      { expr: 'fleet_recovery_duration_us < 30m', abortOnFail: false },
      { expr: 'ota_failure_ratio < 2%', abortOnFail: true },
    ],
    target: { mqttUrls: [], httpUrl: null },
    live: { speed: 1, maxConcurrentConnections: 10_000, processes: 1 },
    shard: null,
    scaledFrom: null,
  };
}
