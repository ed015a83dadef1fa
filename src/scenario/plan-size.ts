// What a resolved scenario will cost before anything is allocated: memory (the fleet's typed
// arrays, live connections, per-worker overhead, the report series) and events (telemetry
// and the storm guard of the calendar queue). Absurd plans are refused at load time, by `run`,
// `validate` and `replay` alike, with the estimate and the fix, instead of an allocation
// failure, an "event storm" after minutes, or an ETA of days.
import { availableParallelism, freemem, totalmem } from 'node:os';
import { MAX_IMAGE_BYTES } from '../backend/firmware-image.js';
import { shardLayout } from '../core/shard-layout.js';
import { layoutBytes } from '../core/soa.js';
import { ToolError } from '../errors/tool-error.js';
import { MAX_STREAMS } from './schema-telemetry.js';
import { anySchedules } from './resolve-schedule.js';
import type { ResolvedScenario } from './types.js';

/** A year of fleet life: virtual time beyond that is a typo (and µs stop being exact at 2^53). */
export const MAX_DURATION_US = 366 * 86_400e6;
/** About a day and a half at the measured 8M events/s: beyond that a run never reports. */
export const MAX_EVENTS = 1e12;
/** The calendar queue refuses a device doing 10,000 things in one window; stay well below. */
const MAX_EVENTS_PER_DEVICE_WINDOW = 5_000;
/** A worker thread's own heap, code and metrics recorder. */
const WORKER_OVERHEAD_BYTES = 64 * 1024 ** 2;
/** The main thread, the aggregator and the report builder. */
const BASE_BYTES = 200 * 1024 ** 2;
/** One live connection with its buffers (BENCHMARKS.md measures 4.5–17 KB after GC; peaks higher). */
const LIVE_CONNECTION_BYTES = 32 * 1024;
/** One interval of the report series: counters, states and encoded histograms. */
const SERIES_BYTES_PER_INTERVAL = 16 * 1024;
/** Refuse when the estimate passes this share of the machine's memory. */
const MEMORY_SHARE = 0.8;

export interface PlanEstimate {
  /** Devices this process simulates (its shard of the fleet). */
  devices: number;
  memoryBytes: number;
  events: number;
}

function devicesHere(s: ResolvedScenario): number {
  const total = s.fleet.reduce((n, g) => n + g.count, 0);
  return s.shard ? Math.ceil(total / s.shard.count) : total;
}

/**
 * Typed-array bytes per device, as the engine lays a shard out (with the outcome trail and the
 * command slots if any).
 */
function fleetBytes(
  devices: number,
  withTrail: boolean,
  withCommands: boolean,
  withSchedules: boolean,
): number {
  const sample = 4096;
  return (layoutBytes(shardLayout(sample, withTrail, withCommands, withSchedules)) / sample) * devices;
}

/**
 * Several telemetry streams: a due time per device and stream (src/device/telemetry.ts). Live
 * payload templates: a random state and sequence per device, per templated stream of each type
 * (a sequence alone for a stream templating only its topic or MQTT 5 properties).
 */
function streamBytes(s: ResolvedScenario, devices: number, live: boolean): number {
  const types = Object.values(s.deviceTypes);
  const due = types.some((t) => t.telemetry.streams.length > 1) ? devices * MAX_STREAMS * 8 : 0;
  const templated = types.reduce((n, t) => n + t.telemetry.streams.filter((st) => st.template).length, 0);
  // A stream templating only its topic or MQTT 5 properties keeps just a sequence per device.
  const sequenced = types.reduce(
    (n, t) =>
      n +
      t.telemetry.streams.filter(
        (st) =>
          !st.template &&
          (st.topic !== null ||
            (st.userProperties?.length ?? 0) > 0 ||
            (st.messageExpirySec ?? null) !== null),
      ).length,
    0,
  );
  return due + (live ? (templated * 16 + sequenced * 4) * devices : 0);
}

export function estimatePlan(s: ResolvedScenario, workers: number): PlanEstimate {
  const devices = devicesHere(s);
  const live = s.mode === 'live';
  const connections = live ? Math.min(devices, s.live.maxConcurrentConnections) : 0;
  const intervals = Math.ceil(s.durationUs / s.intervalUs);
  const memoryBytes =
    BASE_BYTES +
    workers * WORKER_OVERHEAD_BYTES +
    fleetBytes(
      devices,
      s.rollout !== null,
      Object.values(s.deviceTypes).some((t) => (t.commands ?? null) !== null),
      anySchedules(s),
    ) +
    connections * LIVE_CONNECTION_BYTES +
    intervals * SERIES_BYTES_PER_INTERVAL +
    streamBytes(s, devices, live);
  const share = devices / Math.max(1, devicesHere({ ...s, shard: null }));
  let events = 0;
  for (const g of s.fleet) {
    const streams = s.deviceTypes[g.device]?.telemetry.streams ?? [];
    const perDevice = streams.reduce((n, st) => n + s.durationUs / Math.max(1, st.intervalUs), 0);
    events += g.count * share * (perDevice + 2);
  }
  return { devices, memoryBytes, events };
}

const MiB = 1024 ** 2;
function gib(bytes: number): string {
  return bytes >= 1024 * MiB ? `${(bytes / 1024 / MiB).toFixed(1)} GiB` : `${Math.ceil(bytes / MiB)} MiB`;
}

function checkStorm(s: ResolvedScenario, where: string): void {
  for (const g of s.fleet) {
    const tp = s.deviceTypes[g.device];
    if (!tp) continue;
    // every stream publishes on its own schedule: their rates add up
    const perWindow = tp.telemetry.streams.reduce(
      (n, st) => n + s.intervalUs / Math.max(1, st.intervalUs),
      0,
    );
    if (perWindow <= MAX_EVENTS_PER_DEVICE_WINDOW) continue;
    throw new ToolError('FLEETSTORM_ERR_PLAN_TOO_LARGE', 'telemetry too frequent for the report interval', {
      where: `${where}: devices ${g.device} telemetry.interval`,
      got: `${Math.round(perWindow)} publishes per device per interval`,
      fix: `publish at most ${MAX_EVENTS_PER_DEVICE_WINDOW} times per report interval: raise telemetry.interval or lower interval`,
    });
  }
}

/** Worker threads the run will start (0 = one per core). */
export function workersOf(s: ResolvedScenario): number {
  return s.workers > 0 ? s.workers : Math.max(1, availableParallelism());
}

/** Refuses a plan that cannot finish or cannot fit (see the file comment). */
export function checkPlanSize(
  s: ResolvedScenario,
  where: string,
  workers = workersOf(s),
  memBytes = totalmem(),
): void {
  if (s.durationUs > MAX_DURATION_US) {
    throw new ToolError('FLEETSTORM_ERR_PLAN_TOO_LARGE', 'duration longer than a year', {
      where: `${where}: duration`,
      got: `${Math.round(s.durationUs / 86_400e6)} days`,
      fix: 'give a duration up to 366d',
    });
  }
  checkStorm(s, where);
  const image = s.rollout?.firmware.sizeBytes ?? 0;
  if (s.mode === 'live' && s.target.mqttUrls.length === 0 && image > MAX_IMAGE_BYTES) {
    throw new ToolError('FLEETSTORM_ERR_PLAN_TOO_LARGE', 'firmware too large for the embedded backend', {
      where: `${where}: rollout.firmware.size`,
      got: `${image} bytes`,
      fix: `at most ${MAX_IMAGE_BYTES / 1024 ** 3}GiB in live mode against the embedded backend (it generates and hashes the image); use virtual mode or your own backend`,
    });
  }
  const e = estimatePlan(s, workers);
  if (e.events > MAX_EVENTS) {
    throw new ToolError('FLEETSTORM_ERR_PLAN_TOO_LARGE', 'too many events to simulate', {
      where,
      got: `about ${e.events.toExponential(1)} events, over ${MAX_EVENTS.toExponential(0)}`,
      fix: 'fewer devices (--devices), a shorter duration or a longer telemetry.interval, or --shard i/N over several machines',
    });
  }
  if (e.memoryBytes > memBytes * MEMORY_SHARE) {
    const what = `the run would need about ${gib(e.memoryBytes)}; this machine has ${gib(memBytes)} (${gib(freemem())} free)`;
    throw new ToolError('FLEETSTORM_ERR_MEMORY', what, {
      where,
      got: `${e.devices} devices, ${workers} workers`,
      fix: 'fewer devices (--devices or a smaller profile scale), or --shard i/N over several machines',
    });
  }
}
