// BackendPort over real sockets: MQTT through the lean pool, OTA through the device type's
// protocol client (ota-agent-port.ts) and downloads through undici, backend-wide
// faults through the embedded backend's fault switches. Answers arrive later; the callbacks in
// mqtt-side.ts and http-side.ts bring the device's pending event forward to "now".
import type { Shard } from '../core/shard.js';
import { trackSleepers } from '../device/connectivity.js';
import type { TypeParams } from '../device/params.js';
import type { BackendPort } from '../device/port.js';
import type { Occurrence } from '../faults/plan.js';
import type { BackendFaults } from '../backend/types.js';
import { C } from '../metrics/catalog.js';
import type { LiveContext } from './context.js';
import type { LiveHttp } from './http-side.js';
import type { LiveOta } from './ota-agent-port.js';
import type { LiveMqtt } from './mqtt-side.js';
import { LiveProvision } from './provision-side.js';
import { PROGRAM_TOKEN } from './program-inbox.js';

export interface LivePortParts {
  ctx: LiveContext;
  mqtt: LiveMqtt;
  /** Null when the target has no HTTP API (downloads never start). */
  http: LiveHttp | null;
  /** The OTA agent's conversation with the update server (the device type's ota.protocol). */
  ota: LiveOta;
  /** The embedded backend's switches; null for external targets (faults are then only counted). */
  faults: BackendFaults | null;
  /** Backend faults that could not be applied (external target without a fault proxy). */
  skippedFaults: Set<string>;
  /**
   * External brokers with no fault proxy in front: a `backend-outage` resets the devices' own
   * MQTT connections (LiveMqtt.cutLinks); `faults` then switches only the HTTP API's proxy.
   */
  cutOwnLinks: boolean;
}

/** An outage of the whole backend, or of some brokers alone (their fault proxies). */
function outageSwitch(
  p: LivePortParts,
  f: BackendFaults,
  occ: Occurrence,
  phase: 'start' | 'end',
  realMs: number,
): void {
  const brokers = occ.fault.params.brokers;
  if (brokers !== undefined && f.brokerOutage === undefined && !p.cutOwnLinks) {
    p.skippedFaults.add(occ.fault.type); // one broker: refused before the run
    return;
  }
  if (phase === 'start') {
    const counter = C['mqtt_disconnects_total{reason="outage"}'];
    p.mqtt.outage = { faultIndex: occ.fault.index, counter, ...(brokers === undefined ? {} : { brokers }) };
    if (p.cutOwnLinks) p.mqtt.cutLinks(occ.startUs);
    if (brokers === undefined) f.outage(realMs);
    else f.brokerOutage?.(brokers, true);
  } else {
    p.mqtt.outage = null;
    if (brokers === undefined) f.endOutage();
    else f.brokerOutage?.(brokers, false);
  }
}

/** Applies a backend-wide fault once per occurrence and phase (every shard reports it). */
function backendFault(p: LivePortParts, seen: Set<string>, occ: Occurrence, phase: 'start' | 'end'): void {
  const key = `${occ.fault.index}@${occ.startUs}:${phase}`;
  if (seen.has(key)) return;
  seen.add(key);
  const type = occ.fault.type;
  if (phase === 'start') p.ctx.rec.add(occ.fault.counter, 1);
  const f = p.faults;
  if (f === null) {
    p.skippedFaults.add(type);
    return;
  }
  const realMs = Math.max(0, (occ.endUs - occ.startUs) / p.ctx.clock.speed / 1000);
  if (type === 'backend-outage') outageSwitch(p, f, occ, phase, realMs);
  else if (type === 'backend-slow') {
    f.slow(phase === 'start' ? Math.max(1, occ.fault.params.slowFactor ?? 10) : 1);
  } else if (type === 'broker-reject') {
    p.mqtt.rejecting = phase === 'start';
    f.reject(phase === 'start');
  }
}

export function createLivePort(p: LivePortParts): BackendPort {
  const seen = new Set<string>();
  const registration = new LiveProvision(p.ctx, p.http);
  return {
    provision: (sh, d, t, tp) => registration.provision(sh, d, t, tp),
    connect: (sh: Shard, d: number, t: number, tp: TypeParams) => p.mqtt.connect(sh, d, t, tp),
    release: (sh: Shard, d: number, clean: boolean) => p.mqtt.release(sh, d, clean),
    publish: (sh: Shard, d: number, t: number, tp: TypeParams, stream: number) =>
      p.mqtt.publish(sh, d, t, tp, stream),
    publishMessage: (sh, d, t, _tp, topic, payload, qos, retain) =>
      p.mqtt.publishMessage(sh, d, t, topic, payload, qos, retain),
    subscribe: (sh, d, filter) => {
      p.mqtt.deviceSubscribe(p.ctx.idOf(sh, d), filter, 1, PROGRAM_TOKEN);
    },
    checkin: (sh: Shard, d: number, t: number) => p.ota.checkin(sh, d, t),
    otaReport: (sh, d, t, tp, state, detail) => p.ota.report(sh, d, t, tp, state, detail),
    otaBoot: (sh, d) => p.ota.boot(sh, d),
    otaPowerLost: (sh, d) => p.ota.powerLost(sh, d),
    serverOffer: (sh, d) => p.ota.serverOffer(sh, d),
    installAllowed: (sh, d) => p.ota.installAllowed(sh, d),
    downloadStart: (sh: Shard, d: number, t: number, tp: TypeParams) =>
      p.http ? p.http.downloadStart(sh, d, t, tp) : -1,
    downloadStop: (sh: Shard, d: number) =>
      p.http ? p.http.downloadStop(sh, d) : (sh.a.dlBytes[d] as number),
    backendFault: (sh: Shard, occ: Occurrence, _t: number, phase: 'start' | 'end') => {
      // Every shard tracks its own sleeping devices; the switch itself flips once.
      if (occ.fault.type === 'backend-outage' && phase === 'start') {
        const brokers = occ.fault.params.brokers;
        const mine =
          brokers === undefined
            ? undefined
            : (d: number) => brokers.includes(p.mqtt.brokerOf(sh.globalId(d)));
        sh.faultHits[occ.fault.index] = (sh.faultHits[occ.fault.index] as number) + trackSleepers(sh, mine);
      }
      backendFault(p, seen, occ, phase);
    },
  };
}
