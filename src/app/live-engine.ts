// Live mode engine: the same fleet against a real backend over real MQTT and HTTP sockets, in
// one process (src/live); `live.processes` > 1 is run by src/app/multi-process.ts, one
// process per shard, each of which runs this engine. Checks the run can work before it starts (speed, loopback targets,
// reachability, open files), starts the embedded backend when no target is given, runs the
// live driver and closes everything, whatever happened.
import { insecureWarning } from '../scenario/resolve-tls.js';
import { loadTargetTls, tlsBaseDir } from '../live/tls-files.js';
import { randomUUID } from 'node:crypto';
import { monotonicMs, realTimers, wallClockMs } from '../clock/real-clock.js';
import { noOfferWarning, otaServerView } from '../live/ota-server-view.js';
import { ABRUPT_DISCONNECTS, willWarning } from '../live/birth-will.js';
import { ToolError } from '../errors/tool-error.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { shardSize } from '../core/shard-layout.js';
import { driveLive, newLiveResult, type LiveEngineResult } from '../live/driver.js';
import { buildLiveFleet, type LiveFleet } from '../live/live-fleet.js';
import {
  assertLiveFdBudget,
  closeTargets,
  concurrentSockets,
  deviceSocketEnds,
  prepareTargets,
} from '../live/targets.js';
import { limitsWarning } from '../live/target-limits.js';
import { VirtualClock } from '../live/vclock.js';
import { fleetDevicesOf } from './fleet-setup.js';
import type { EngineOptions } from './engine-types.js';

export type { LiveEngineResult, LiveStats } from '../live/driver.js';

export function checkLiveOptions(s: ResolvedScenario): void {
  const where = s.sourcePath ?? 'scenario';
  if (!Number.isFinite(s.live.speed) || !(s.live.speed > 0)) {
    throw new ToolError(
      'FLEETSTORM_ERR_CLI_ARGUMENT',
      'live mode needs a finite speed: real sockets cannot run as fast as the CPU',
      {
        where: `${where}: live.speed`,
        got: String(s.live.speed),
        fix: 'give a number, e.g. --speed 60 (60 virtual seconds per real second), or use --mode virtual for --speed max',
      },
    );
  }
}

function warnings(f: LiveFleet, s: ResolvedScenario, subscribed: boolean): string[] {
  const out: string[] = [];
  if (f.ctx.saturated()) {
    out.push(
      `the generator fell behind its schedule: p99 generator_lag_us above 100 ms at speed ${s.live.speed}; latencies include the lag (lower the speed or the fleet, or split it with --shard)`,
    );
  }
  if (f.mqtt.connectWaits > 0) {
    out.push(
      `${f.mqtt.connectWaits} connect attempts waited for a free socket (live.max-concurrent-connections ${s.live.maxConcurrentConnections}, peak ${f.mqtt.peakOpen})`,
    );
  }
  out.push(...f.subscriber.warnings(subscribed)); // never, late, or away for a while
  if (f.undelivered > 0)
    out.push(
      `${s.shard ? `shard ${s.shard.index}/${s.shard.count}: ` : ''}${f.undelivered} acknowledged publishes never reached the end-to-end subscriber (it waited ${(f.drainedMs / 1000).toFixed(1)} s after the run until none had come for 3 s): the broker dropped them or still held them, e.g. past a per-client queue limit (mosquitto's max_queued_messages, 1000 by default) while the subscriber, which takes every device's telemetry, fell behind; mqtt_delivered_total counts what arrived`,
    );
  out.push(...(f.commands?.warnings() ?? []));
  for (const type of f.skippedFaults)
    out.push(`${type} needs the embedded backend: counted but not applied to the external target`);
  const insecure = insecureWarning(s.target.tls);
  if (insecure !== null) out.push(insecure);
  const badCerts = f.mqtt.deviceCertFailures;
  if (badCerts > 0)
    out.push(
      `${badCerts} connects could not read the device's own certificate or key (connected without it)`,
    );
  return out;
}

/** How long the subscriber stays after the devices left, for wills still on their way (real ms). */
const WILL_DRAIN_MS = 500;

async function closeFleet(f: LiveFleet): Promise<void> {
  f.ctx.closing = true;
  f.mqtt.close();
  f.commands?.close();
  // Wills the broker publishes for the last abrupt disconnects are still on their way.
  if (f.birthWill.hasWills) await new Promise<void>((r) => realTimers.setTimeout(() => r(), WILL_DRAIN_MS));
  f.subscriber.close();
  await f.http?.close();
  await f.ota.close();
}

export async function runLive(s: ResolvedScenario, opts: EngineOptions): Promise<LiveEngineResult> {
  checkLiveOptions(s);
  const devices = shardSize(fleetDevicesOf(s), s.shard?.count ?? 1, s.shard?.index ?? 0);
  assertLiveFdBudget(
    concurrentSockets(devices, s.live.maxConcurrentConnections),
    Math.max(1, s.target.mqttUrls.length),
    deviceSocketEnds(s),
  );
  loadTargetTls(s.target.tls, tlsBaseDir(s)); // a missing or bad TLS file is named before any probe
  const targets = await prepareTargets(s);
  try {
    const runTag = `fs${randomUUID().slice(0, 8)}`;
    const clock = new VirtualClock(s.live.speed);
    targets.desk?.setClock(() => clock.now()); // the server's waves run on the run's time
    const f = buildLiveFleet(s, targets, clock, runTag);
    const result = newLiveResult(s, f);
    let subscribed = false;
    try {
      subscribed = await f.subscriber.start(targets.mqttUrls, runTag, (i) =>
        f.identity.forSubscriber(i, wallClockMs()),
      );
      await f.commands?.start(targets.mqttUrls, f.identity, s.shard?.index ?? 0);
      await opts.sync?.start(); // the processes of --processes N start their clocks together
      const startedMs = monotonicMs();
      await driveLive(s, f, opts, result);
      const server = otaServerView(targets.backend, targets.desk, (monotonicMs() - startedMs) / 1000);
      if (server !== null) result.otaServer = server;
    } catch (err) {
      result.status = 'crashed';
      result.statusReason = err instanceof Error ? err.message : String(err);
      result.crash = err;
    } finally {
      await closeFleet(f);
    }
    result.warnings.push(...warnings(f, s, subscribed));
    const noOffer = s.rollout ? noOfferWarning(f.ota, targets.backend === null) : null;
    if (noOffer !== null) result.warnings.push(noOffer);
    // The disconnect counters do not tell types apart: compared when every type leaves a will.
    if (f.birthWill.allHaveWills) {
      const abrupt = ABRUPT_DISCONNECTS.reduce((n, name) => n + result.agg.counter(name), 0);
      const lost = willWarning(abrupt, f.subscriber.wills, f.birthWill.maxWillDelaySec);
      if (lost !== null) result.warnings.push(lost);
    }
    const held = limitsWarning((name) => result.agg.counter(name));
    if (held !== null) result.warnings.push(held);
    result.connectErrors = f.mqtt.connectErrors.list((name) => result.agg.counter(name));
    result.live = {
      maxConcurrent: s.live.maxConcurrentConnections,
      peakOpen: f.mqtt.peakOpen,
      connectWaits: f.mqtt.connectWaits,
      sent: result.agg.counter('mqtt_publish_total'),
      acked: result.agg.counter('mqtt_publish_acked_total'),
      delivered: result.agg.counter('mqtt_delivered_total'),
    };
    return result;
  } finally {
    await closeTargets(targets);
  }
}
