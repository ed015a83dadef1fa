// The live fleet in one process: shards allocated and initialised in-process (no workers) with
// the live port in their static part, plus the MQTT/HTTP halves and the subscriber.
import { DeviceCertificates, loadTargetTls, tlsBaseDir } from './tls-files.js';
import { Shard, type ShardStatic } from '../core/shard.js';
import { initShard } from '../core/shard-init.js';
import { drainFactors } from '../cohorts/run-plan.js';
import { modelShare } from '../backend-model/share.js';
import { compileType, typeOrder, versionTable } from '../device/params.js';
import { OutcomeLog } from '../device/outcome-log.js';
import { compileFaults } from '../faults/plan.js';
import { Recorder } from '../metrics/recorder.js';
import type { DeviceType, ResolvedScenario } from '../scenario/types.js';
import { setupFleet, type FleetSetup } from '../app/fleet-setup.js';
import { LiveContext } from './context.js';
import { FleetIdentity } from '../identity/fleet-identity.js';
import { secretSourcesOf } from '../identity/check.js';
import { LiveHttp } from './http-side.js';
import { LiveOta } from './ota-agent-port.js';
import { createLivePort } from './live-port.js';
import { attachLivePrograms } from './program-inbox.js';
import { BirthWill } from './birth-will.js';
import { LiveCommands } from './live-commands.js';
import { LiveMqtt } from './mqtt-side.js';
import { TelemetryTemplates } from './telemetry-templates.js';
import { hasPrograms } from '../program/paths.js';
import { DeliverySequence } from './delivery-sequence.js';
import { wallClockMs } from '../clock/real-clock.js';
import { E2eSubscriber } from './subscriber.js';
import { liveLimits } from './target-limits.js';
import type { LiveTargets } from './targets.js';
import type { VirtualClock } from './vclock.js';

export interface LiveFleet {
  setup: FleetSetup;
  ctx: LiveContext;
  shards: Shard[];
  mqtt: LiveMqtt;
  http: LiveHttp | null;
  /** The OTA agents' conversation with the update server. */
  ota: LiveOta;
  subscriber: E2eSubscriber;
  outcomes: OutcomeLog;
  skippedFaults: Set<string>;
  /** Every device type publishes with QoS ≥ 1 (then delivered == acked on a healthy broker). */
  allQos1: boolean;
  /**
   * This process's subscriber counts its own devices' telemetry: not so in shards other than 0
   * when telemetry goes to templated topics (shard 0 counts every shard's there).
   */
  countsOwnDeliveries: boolean;
  /**
   * The subscriber sees every QoS 1 publish this process counts as acknowledged, so a shortfall
   * is a finding: not with device programs (they publish on topics of their own), nor in a shard
   * of a run whose telemetry goes partly to shared templated topics and partly to its own.
   */
  deliveriesComparable: boolean;
  /** Acknowledged QoS 1 publishes the subscriber had not received when the end's drain stopped. */
  undelivered: number;
  /** How long the end's drain waited (real ms). */
  drainedMs: number;
  /** Client ids and credentials (secrets read at construction, held only here). */
  identity: FleetIdentity;
  /** `connectivity.birth` and `will` per device type. */
  birthWill: BirthWill;
  /** Devices answering commands and the operator sending them; null without `commands`. */
  commands: LiveCommands | null;
}

export function buildLiveFleet(
  s: ResolvedScenario,
  targets: LiveTargets,
  clock: VirtualClock,
  runTag: string,
): LiveFleet {
  const setup = setupFleet(s, runTag);
  const rec = new Recorder();
  const ctx = new LiveContext(clock, rec, runTag);
  const types = typeOrder(s).map((n) => compileType(s.deviceTypes[n] as DeviceType));
  const faults = compileFaults(s);
  const maxTimeoutUs = Math.max(...types.map((t) => t.connectTimeoutUs));
  const topicPrefix = `fleetstorm/${runTag}/telemetry`;
  const outcomes = new OutcomeLog();
  const skippedFaults = new Set<string>();
  const shards: Shard[] = [];
  ctx.setSizes(setup.handles.map((h) => h.size));
  const identity = new FleetIdentity({
    types: typeOrder(s).map((n) => s.deviceTypes[n] as DeviceType),
    runTag,
    shardIndex: s.shard?.index ?? 0,
    devices: ctx.devices,
    targets: targets.mqttUrls, // the URLs as given: a fault proxy's URL carries no credentials
    sources: secretSourcesOf(s),
  });
  const limits = liveLimits(s, ctx, targets.mqttUrls.length, targets.proxied?.deviceResolve);
  const tlsDir = tlsBaseDir(s);
  const tlsOptions = loadTargetTls(s.target.tls, tlsDir);
  const deviceCerts = DeviceCertificates.of(
    typeOrder(s).map((n) => s.deviceTypes[n] as DeviceType),
    tlsDir,
    tlsOptions,
    runTag,
  );
  const deviceTypes = typeOrder(s).map((n) => s.deviceTypes[n] as DeviceType);
  const birthWill = new BirthWill(deviceTypes);
  const templates = types.some((t) => t.streams.some((st) => TelemetryTemplates.templated(st)))
    ? new TelemetryTemplates(types, ctx.devices, s.seed, wallClockMs(), runTag, versionTable(s))
    : null;
  const mqtt = new LiveMqtt(ctx, {
    targets: targets.proxied?.deviceMqttUrls ?? targets.mqttUrls,
    maxConcurrent: limits.mqttMaxConcurrent,
    topicPrefix,
    connectTimeoutMs: Math.ceil(maxTimeoutUs / 1000),
    identity,
    ...limits.mqtt,
    ...(tlsOptions ? { tls: tlsOptions } : {}),
    deviceCerts,
    birthWill,
    ...(templates ? { templates } : {}),
  });
  const commands = LiveCommands.build(s, ctx, mqtt, typeOrder(s), tlsOptions);
  const httpUrl = targets.proxied?.deviceHttpUrl ?? targets.httpUrl;
  const ota = new LiveOta(ctx, {
    baseUrl: httpUrl,
    transport: { ...limits.http, ...(tlsOptions ? { tls: tlsOptions } : {}) },
    types: deviceTypes,
    versions: versionTable(s),
    mqtt,
  });
  const http =
    httpUrl === null
      ? null
      : new LiveHttp(ctx, httpUrl, (id) => ota.deploymentOf(id), {
          ...limits.http,
          ...(tlsOptions ? { tls: tlsOptions } : {}),
        });
  const port = createLivePort({
    ctx,
    mqtt,
    http,
    ota,
    faults: targets.backend?.faults ?? targets.proxied?.faults ?? null,
    skippedFaults,
    cutOwnLinks: targets.proxied !== null && !targets.proxied.mqttProxied,
  });
  const parts = s.shard ? setup.ctx.shards * s.shard.count : setup.ctx.shards;
  const partOffset = s.shard ? s.shard.index * setup.ctx.shards : 0;
  for (const h of setup.handles) {
    const st: ShardStatic = {
      shard: h.shard,
      shards: setup.ctx.shards,
      seed: s.seed,
      stride: s.shard?.count ?? 1,
      offset: s.shard?.index ?? 0,
      size: h.size,
      types,
      share: modelShare(s.backend, parts, partOffset + h.shard),
      rollout: setup.ctx.plan,
      faults,
      port,
      sites: setup.ctx.sites ?? null,
      cohorts: setup.ctx.cohorts ?? null,
      drainByFw: drainFactors(s),
    };
    const sh = new Shard(h.buf, st, rec, outcomes);
    initShard(sh, s);
    shards.push(sh);
  }
  ctx.shards = shards;
  attachLivePrograms(s, shards, types, ctx, mqtt); // after the command inbox: commands go there first
  if (deviceCerts)
    for (const sh of shards)
      for (let d = 0; d < sh.st.size; d++) deviceCerts.assertPresent(sh.globalId(d), sh.a.type[d] as number);
  const subscriber = new E2eSubscriber(rec, () => clock.realNow(), topicPrefix, s.target.resolve, tlsOptions);
  subscriber.watchWills(birthWill.willFilters(deviceTypes), birthWill.birthsOnWillTopics(deviceTypes));
  // Templated topics are shared by every shard of the run (--processes, --shard): shard 0's
  // subscriber alone counts them, so the merged report counts each delivery once.
  const sequence = templates ? new DeliverySequence(rec, templates.markers()) : null;
  if (templates && sequence) subscriber.measureWith(sequence, templates.mqtt5());
  if (templates && sequence && (s.shard?.index ?? 0) === 0)
    subscriber.watchTelemetry(templates.filters(), sequence);
  const allQos1 = types.every((t) => t.qos >= 1);
  const sharedTopics = templates !== null && templates.filters().length > 0;
  const allShared = types.every((t) => t.streams.every((st) => st.topicSource !== null));
  const countsOwnDeliveries = !sharedTopics || (s.shard?.index ?? 0) === 0;
  return {
    setup,
    ctx,
    shards,
    mqtt,
    http,
    ota,
    subscriber,
    outcomes,
    skippedFaults,
    allQos1,
    countsOwnDeliveries,
    deliveriesComparable: countsOwnDeliveries && !hasPrograms(s) && (!sharedTopics || allShared || !s.shard),
    undelivered: 0,
    drainedMs: 0,
    identity,
    birthWill,
    commands,
  };
}
