// Builds ResolvedScenario objects directly, for engine tests that do not go through YAML.
import type { DeviceType, ResolvedScenario } from '../../src/scenario/types.js';

const S = 1_000_000;
const MIN = 60 * S;
const H = 60 * MIN;

export function sensorType(over: Partial<DeviceType> = {}): DeviceType {
  return {
    name: 'sensor',
    firmware: '1.0.0',
    radio: {
      profile: 'lte-m',
      bandwidthBytesPerSec: 50_000,
      latencyUs: { min: 40_000, max: 120_000 },
      lossRatio: 0,
    },
    battery: {
      capacityMah: 2000,
      initialRatio: { min: 0.6, max: 1 },
      drainMa: { sleep: 0.01, connected: 0.2, download: 40, install: 60 },
      publishMah: 0.0005,
      onFlat: 'dark',
      rechargeAfterUs: { min: 0, max: 0 },
    },
    connectivity: {
      mode: 'persistent',
      keepaliveUs: 60 * S,
      connectTimeoutUs: 30 * S,
      cleanSession: false,
      backoff: { policy: 'full', baseUs: 1 * S, maxUs: 5 * MIN, multiplier: 2 },
    },
    telemetry: { intervalUs: 15 * MIN, jitterUs: 30 * S, payloadBytes: { min: 100, max: 300 }, qos: 1 },
    ota: {
      slots: 'ab',
      resume: true,
      discovery: 'poll',
      checkIntervalUs: 1 * H,
      minBatteryRatio: 0.2,
      verifyUs: { min: 2 * S, max: 5 * S },
      installUs: { min: 30 * S, max: 60 * S },
      rebootUs: { min: 10 * S, max: 20 * S },
      healthCheckUs: { min: 30 * S, max: 60 * S },
      healthFailureRatio: 0,
      maxAttempts: 5,
      retryBackoff: { policy: 'full', baseUs: 1 * MIN, maxUs: 1 * H, multiplier: 2 },
    },
    ...over,
  };
}

export function scenario(over: Partial<ResolvedScenario> = {}): ResolvedScenario {
  const sensor = sensorType();
  return {
    name: 'test',
    description: '',
    sourcePath: null,
    profile: null,
    seed: 42,
    mode: 'virtual',
    durationUs: 6 * H,
    intervalUs: 2 * MIN,
    workers: 1,
    deviceTypes: { sensor },
    fleet: [{ device: 'sensor', count: 10_000, firmware: null }],
    powerOn: { startUs: 0, spreadUs: 10 * MIN },
    backend: {
      connect: {
        ratePerSec: 2000,
        burst: 200,
        queueLimit: 20_000,
        maxSessions: 2_000_000,
        latencyUs: { min: 2000, max: 8000 },
      },
      ingest: { ratePerSec: 50_000, queueLimit: 100_000, latencyUs: { min: 1000, max: 3000 } },
      checkin: { ratePerSec: 5000, queueLimit: 50_000, latencyUs: { min: 5000, max: 20_000 } },
      ota: { bandwidthBytesPerSec: 100 * 1024 * 1024, maxConcurrentDownloads: 10_000 },
    },
    rollout: null,
    faults: [],
    thresholds: [],
    target: { mqttUrls: [], httpUrl: null },
    live: { speed: 1, maxConcurrentConnections: 10_000, processes: 1 },
    shard: null,
    ...over,
  };
}

export const US = { S, MIN, H };
