// The MQTT half of the live port: one lean pool for the whole fleet (connection id = device's
// place in the run), a cap on concurrent sockets with a FIFO of waiting connects, and the
// pool's callbacks turned back into device state (CONNACK → wake the device now; a dropped
// link → lose it and back off).
import { cohortPublishFailed } from '../cohorts/track.js';
import type { SecureContext, ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { DeviceCertificates } from './tls-files.js';
import { realTimers, wallClockMs, type TimerHandle } from '../clock/real-clock.js';
import { FLAG, PEND } from '../core/shard-layout.js';
import type { Shard } from '../core/shard.js';
import { goBackoff, loseLink, outageTrackCounter } from '../device/connectivity.js';
import type { StreamParams, TypeParams } from '../device/params.js';
import { C, CS, H } from '../metrics/catalog.js';
import { nextRange } from '../random/rng.js';
import { MqttConnectionPool, PUBLISH_RESULT } from '../transports/mqtt/index.js';
import type {
  CloseReason,
  MqttHandler,
  MqttPoolOptions,
  PublishFailReason,
  PublishProperties,
  QoS,
} from '../transports/mqtt/index.js';
import type { TargetLimiter } from '../transports/limits/index.js';
import { ConnectErrorTally, RUN_END_DETAIL } from './connect-errors.js';
import { TelemetryTemplates } from './telemetry-templates.js';
import { connectResult, disconnectCounter, failureDetail, publishRefusedCounter } from './connect-reason.js';
import type { LiveContext } from './context.js';
import type { ConnectIdentity, FleetIdentity } from '../identity/fleet-identity.js';
import type { BirthWill } from './birth-will.js';

/** lingering: the device has let go (duty cycle) but its QoS 1/2 publishes still await acks. */
const PHASE = { none: 0, connecting: 1, connected: 2, lingering: 3 } as const;
/** Largest telemetry payload sent; the first 8 bytes carry the intended send time. */
const MAX_PAYLOAD = 256 * 1024;
export const INTENDED_BYTES = 8;
/** The token of a birth publish: its ack is not telemetry's. */
const BIRTH_TOKEN = -1;

export interface LiveMqttOptions {
  targets: readonly string[];
  maxConcurrent: number;
  /** Telemetry topic: `${topicPrefix}/${broker index}/${connection id}`. */
  topicPrefix: string;
  connectTimeoutMs: number;
  localAddresses?: readonly string[];
  /** Client id, username and password of each CONNECT (src/identity). */
  identity: FleetIdentity;
  /** `--resolve` host map and the connect-rate gate (src/transports/limits), passed to the pool. */
  pool?: Pick<MqttPoolOptions, 'hostAddresses' | 'connectGate'>;
  /** `target.limits`: publishes and their bytes are paced; `connectionWaited` counts socket waits. */
  limiter?: Pick<TargetLimiter, 'publishWaitMs' | 'connectionWaited'>;
  /** `target.tls` as the pool's TLS options (mqtts://, wss://), read by src/live/tls-files.ts. */
  tls?: TlsConnectionOptions;
  /** Client certificates per device (`connectivity.tls`): a secure context built per connect. */
  deviceCerts?: DeviceCertificates | null;
  /** Topic and payload templates of `telemetry` streams (absent: fleetstorm's own topic and filler). */
  templates?: TelemetryTemplates;
  /** `connectivity.birth` and `connectivity.will` per device type (src/live/birth-will.ts). */
  birthWill?: BirthWill;
}

/**
 * A feature that talks to devices over their own MQTT session (commands and replies, OTA job
 * notifications): it subscribes when a device's session comes up and takes the messages meant
 * for it. Registered with LiveMqtt.addInbox; publishes go through LiveMqtt.devicePublish.
 */
export interface DeviceInbox {
  /** Right after a device's CONNACK (subscribe here with LiveMqtt.deviceSubscribe). */
  connected(id: number, sessionPresent: boolean): void;
  /** A PUBLISH to device `id` (connection id); true when this inbox took it. `props`: MQTT 5 properties. */
  message(id: number, topic: string, payload: Buffer, qos: QoS, props?: PublishProperties): boolean;
  /** The SUBACK of a subscribe made with this inbox's token; granted ≥ 0x80 (or -1) is a failure. */
  subscribed?(id: number, token: number, granted: number): void;
}

/** Tokens at or below this belong to inboxes (subscribes and publishes), not to telemetry. */
export const INBOX_TOKEN_BASE = -16;

export class LiveMqtt implements MqttHandler {
  readonly pool: MqttConnectionPool;
  private readonly phase: Uint8Array;
  private readonly renewTimer: TimerHandle | null = null;
  private readonly queued: Uint8Array;
  private readonly intendedV: Float64Array;
  private readonly waitQueue: number[] = [];
  private waitHead = 0;
  private readonly payload = Buffer.alloc(MAX_PAYLOAD);
  /** Birth messages filled at CONNECT, published at CONNACK. */
  private readonly births = new Map<number, { topic: string; payload: Buffer; qos: QoS; retain: boolean }>();
  private readonly inboxes: DeviceInbox[] = [];
  open = 0;
  peakOpen = 0;
  connectWaits = 0;
  qosSent = 0;
  qosAcked = 0;
  qosFailed = 0;
  /** Set by the backend-fault driver while an outage is in force (`brokers`: of those brokers alone). */
  outage: { faultIndex: number; counter: number; brokers?: readonly number[] } | null = null;
  /**
   * While cutLinks resets the devices' links: the outage's start (virtual µs), when each of them
   * lost its link. Taken as the time each close was handled instead, the devices cut last lost
   * theirs as late as the cut took (1.4-3 s for 8,700 links in a 6-process storm), began their
   * backoff that much later and came back later than the scenario says.
   */
  private cutAtUs: number | null = null;
  /** Set by the backend-fault driver while broker-reject is in force (its refusals are `rejected`). */
  rejecting = false;
  /** Connect failures with their detail (report.json live.connectErrors). */
  readonly connectErrors = new ConnectErrorTally();

  constructor(
    private readonly ctx: LiveContext,
    private readonly opts: LiveMqttOptions,
  ) {
    const n = ctx.devices;
    this.phase = new Uint8Array(n);
    this.queued = new Uint8Array(n);
    this.intendedV = new Float64Array(n);
    const renewMs = opts.identity.renewCheckMs;
    if (renewMs !== null) {
      this.renewTimer = realTimers.setInterval(() => this.renewExpiredTokens(), renewMs);
      this.renewTimer.unref?.();
    }
    this.pool = new MqttConnectionPool({
      handler: this,
      clock: () => ctx.clock.realNow(),
      connectTimeoutMs: opts.connectTimeoutMs,
      ackTimeoutMs: 10_000,
      ...(opts.localAddresses ? { localAddresses: opts.localAddresses } : {}),
      ...opts.pool,
      ...(opts.tls ? { tls: opts.tls } : {}),
    });
  }

  /** Adds a feature that receives device messages (in registration order; the first to take one wins). */
  addInbox(inbox: DeviceInbox): void {
    this.inboxes.push(inbox);
  }

  /** Subscribes connection `id` (token ≤ INBOX_TOKEN_BASE: the SUBACK goes to the inboxes). */
  deviceSubscribe(id: number, filters: string | readonly string[], qos: QoS, token: number): boolean {
    return this.pool.subscribe(id, filters, qos, token) === PUBLISH_RESULT.sent;
  }

  /**
   * Publishes from device `id` outside telemetry (replies, job updates); its ack is not
   * telemetry's (token ≤ INBOX_TOKEN_BASE). False when the device is not connected or its window is full.
   */
  devicePublish(
    id: number,
    topic: string,
    payload: Buffer,
    qos: QoS,
    token = INBOX_TOKEN_BASE,
    props?: PublishProperties,
  ): boolean {
    if (this.phase[id] !== PHASE.connected) return false;
    return this.pool.publish(id, topic, payload, qos, token, undefined, false, props) === PUBLISH_RESULT.sent;
  }

  get inFlight(): number {
    return this.qosSent - this.qosAcked - this.qosFailed;
  }

  /**
   * A device program's publish (src/program): counted like telemetry (acked at its PUBACK for
   * QoS 1, failed when the device has no session or its window is full).
   */
  publishMessage(
    sh: Shard,
    d: number,
    t: number,
    topic: string,
    payload: Uint8Array,
    qos: 0 | 1,
    retain: boolean,
  ): void {
    this.ctx.recordLag(t);
    const id = this.ctx.idOf(sh, d);
    if (this.phase[id] !== PHASE.connected) {
      sh.rec.add(C['mqtt_publish_failed_total{reason="disconnected"}']);
      return;
    }
    const body = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    this.send(id, topic, body, qos, this.ctx.clock.realOf(t), retain);
  }

  connect(sh: Shard, d: number, t: number, tp: TypeParams): void {
    this.ctx.recordLag(t);
    sh.a.pend[d] = PEND.timeout; // a deadline; the CONNACK brings it forward
    // The timeout bounds a real network exchange, so it runs in real time (like the latency).
    sh.a.connDue[d] = t + tp.connectTimeoutUs * this.ctx.clock.speed;
    const id = this.ctx.idOf(sh, d);
    if (this.phase[id] !== PHASE.none) this.drop(id, false); // the previous attempt timed out
    if (this.outageOn(sh, d)) return this.refuseInOutage(sh, d, t);
    this.intendedV[id] = t;
    if (this.open >= this.opts.maxConcurrent) {
      this.connectWaits++;
      this.opts.limiter?.connectionWaited();
      if (this.queued[id] === 0) {
        this.queued[id] = 1;
        this.waitQueue.push(id);
      }
      return;
    }
    this.openConnection(id, sh, t, tp);
  }

  private openConnection(id: number, sh: Shard, t: number, tp: TypeParams): void {
    this.phase[id] = PHASE.connecting;
    this.open++;
    if (this.open > this.peakOpen) this.peakOpen = this.open;
    const targets = this.opts.targets;
    const gid = sh.globalId(this.ctx.localOf(sh, id));
    const who = this.who(sh, id, gid);
    this.pool.connect(id, targets[gid % targets.length] as string, {
      ...who,
      ...this.lastWill(sh, id, tp.mqttVersion),
      ...this.ownCertificate(sh, id, gid),
      protocolVersion: tp.mqttVersion,
      clean: tp.cleanSession,
      // A kept MQTT 5 session needs an expiry, or it ends with the connection [MQTT-3.1.2-11].
      ...(tp.mqttVersion === 5 && !tp.cleanSession ? { sessionExpirySec: tp.sessionExpirySec } : {}),
      // Keepalive runs in real time: the device's virtual keepalive scaled by the speed.
      keepaliveSec: Math.min(65535, Math.max(1, Math.round(tp.keepaliveUs / this.ctx.clock.speed / 1e6))),
      intendedUs: this.ctx.clock.realOf(t),
    });
  }

  /** The will of the CONNECT just filled by `who` (its facts), and the birth to send at CONNACK. */
  private lastWill(sh: Shard, id: number, mqttVersion: number): ReturnType<BirthWill['willFor']> {
    const bw = this.opts.birthWill;
    if (!bw) return {};
    const type = sh.a.type[this.ctx.localOf(sh, id)] as number;
    const facts = this.opts.identity.lastFacts;
    const birth = bw.birthFor(type, facts);
    if (birth) this.births.set(id, birth);
    return bw.willFor(type, facts, mqttVersion);
  }

  /** The birth message right after the CONNACK (counted; its ack is not telemetry's). */
  private sendBirth(id: number): void {
    const b = this.births.get(id);
    if (!b) return;
    this.births.delete(id);
    const r = this.pool.publish(id, b.topic, b.payload, b.qos, BIRTH_TOKEN, undefined, b.retain);
    if (r === PUBLISH_RESULT.sent) this.ctx.rec.add(C.mqtt_births_sent_total);
  }

  /** Frees a waiting device's turn when a socket closes. */
  private pump(): void {
    const q = this.waitQueue;
    while (this.open < this.opts.maxConcurrent && this.waitHead < q.length) {
      const id = q[this.waitHead++] as number;
      this.queued[id] = 0;
      const sh = this.ctx.shardOf(id);
      const d = this.ctx.localOf(sh, id);
      if (sh.a.conn[d] !== CS.connecting || sh.a.pend[d] !== PEND.timeout || this.phase[id] !== PHASE.none)
        continue;
      if (this.outageOn(sh, d)) {
        this.refuseInOutage(sh, d, this.ctx.answerAt());
        sh.reschedule(d);
        continue;
      }
      this.openConnection(id, sh, this.intendedV[id] as number, this.ctx.typeOf(sh, d));
    }
    if (this.waitHead > 4096 && this.waitHead * 2 > q.length) {
      q.splice(0, this.waitHead);
      this.waitHead = 0;
    }
  }

  /** Ends our side of a connection (its onClose is then ignored). */
  private drop(id: number, clean: boolean): void {
    const phase = this.phase[id];
    if (phase === PHASE.none) return;
    if (clean && phase === PHASE.connected && this.pool.inFlight(id) > 0) {
      this.phase[id] = PHASE.lingering; // a device waits for its PUBACK before DISCONNECT
      return;
    }
    this.phase[id] = PHASE.none;
    this.open--;
    if (clean) this.pool.disconnect(id, { clean: true });
    else this.pool.destroy(id);
  }

  release(sh: Shard, d: number, clean: boolean): void {
    this.drop(this.ctx.idOf(sh, d), clean);
    this.pump();
  }

  /** Half-open fault: the device's socket stops moving bytes (keepalive finds it dead). */
  freeze(sh: Shard, d: number): void {
    const id = this.ctx.idOf(sh, d);
    if (this.phase[id] === PHASE.connected) this.pool.freeze(id);
  }

  publish(sh: Shard, d: number, t: number, tp: TypeParams, stream = 0): void {
    this.ctx.recordLag(t);
    const id = this.ctx.idOf(sh, d);
    const rec = sh.rec;
    if (this.phase[id] !== PHASE.connected) {
      rec.add(C['mqtt_publish_failed_total{reason="disconnected"}']);
      this.cohortFailed(id);
      return;
    }
    const st = tp.streams[stream] as StreamParams;
    const intendedUs = this.ctx.clock.realOf(t);
    const qos = Math.min(2, st.qos) as QoS;
    const templates = this.opts.templates;
    const { topic, payload, props } =
      templates && TelemetryTemplates.templated(st)
        ? templates.render(
            sh,
            d,
            id,
            sh.globalId(d),
            t,
            intendedUs,
            stream,
            () => this.ownTopic(sh, d, id),
            () => this.filler(sh, d, st, intendedUs),
          )
        : { topic: this.ownTopic(sh, d, id), payload: this.filler(sh, d, st, intendedUs), props: undefined };
    // target.limits pace the publish at the socket layer; the intended time stays.
    const delayMs = Math.max(
      degradeDelayMs(sh, d),
      this.opts.limiter?.publishWaitMs(payload.length + topic.length + 8) ?? 0,
    );
    if (delayMs <= 0) return this.send(id, topic, payload, qos, intendedUs, st.retain, props);
    // radio-degrade latency: the uplink holds the packet; latency still runs from the intended time.
    const held = Buffer.from(payload);
    realTimers.setTimeout(() => this.send(id, topic, held, qos, intendedUs, st.retain, props), delayMs);
  }

  /**
   * fleetstorm's own topic, one subtree per broker: its subscriber counts each delivery once,
   * also when several URLs lead to one clustered broker.
   */
  private ownTopic(sh: Shard, d: number, id: number): string {
    return `${this.opts.topicPrefix}/${sh.globalId(d) % this.opts.targets.length}/${id}`;
  }

  /** A drawn size of zeros whose first 8 bytes carry the intended send time. */
  private filler(sh: Shard, d: number, st: StreamParams, intendedUs: number): Buffer {
    const size = Math.min(
      MAX_PAYLOAD,
      Math.max(INTENDED_BYTES, Math.round(nextRange(sh.a.rng, d, st.payloadMin, st.payloadMax))),
    );
    this.payload.writeDoubleLE(intendedUs, 0);
    return this.payload.subarray(0, size);
  }

  private send(
    id: number,
    topic: string,
    payload: Buffer,
    qos: QoS,
    intendedUs: number,
    retain: boolean,
    props?: PublishProperties,
  ): void {
    const rec = this.ctx.rec;
    const r = this.pool.publish(id, topic, payload, qos, id, intendedUs, retain, props);
    if (r === PUBLISH_RESULT.notConnected) rec.add(C['mqtt_publish_failed_total{reason="disconnected"}']);
    else if (r === PUBLISH_RESULT.windowFull) rec.add(C['mqtt_publish_failed_total{reason="rejected"}']);
    else if (qos === 0) rec.add(C.mqtt_publish_acked_total);
    else this.qosSent++;
    if (r === PUBLISH_RESULT.notConnected || r === PUBLISH_RESULT.windowFull) this.cohortFailed(id);
  }

  /** A failed telemetry publish of device `id`, for its cohorts (src/cohorts). */
  private cohortFailed(id: number): void {
    const sh = this.ctx.shardOf(id);
    if (sh.hasCohorts) cohortPublishFailed(sh.a, this.ctx.localOf(sh, id));
  }

  onConnack(id: number, ok: boolean, reasonCode: number, latencyUs: number, sessionPresent: boolean): void {
    if (this.ctx.closing || this.phase[id] !== PHASE.connecting) return;
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    const a = sh.a;
    if (a.conn[d] !== CS.connecting) {
      if (ok) this.phase[id] = PHASE.connected;
      // The device gave up on this attempt: end the late session (outside the pool's callback).
      queueMicrotask(() => {
        if (this.phase[id] === PHASE.connected) this.release(sh, d, true);
      });
      return;
    }
    if (ok) {
      this.phase[id] = PHASE.connected;
      this.sendBirth(id);
      for (const inbox of this.inboxes) inbox.connected(id, sessionPresent);
    }
    if (sessionPresent) this.ctx.rec.add(C.mqtt_session_present_total);
    const version = this.ctx.typeOf(sh, d).mqttVersion;
    const error = this.pool.endingError;
    const faults = { outage: this.outageOn(sh, d), rejecting: this.rejecting };
    const pend = connectResult(ok, reasonCode, version, error, faults);
    if (!ok) this.connectErrors.add(pend, failureDetail(reasonCode, version, error));
    a.pend[d] = pend;
    const at = this.ctx.answerAt();
    a.reqAt[d] = at - latencyUs; // the device records connect latency in real µs
    a.connDue[d] = at;
    sh.reschedule(d);
  }

  onPublishAck(id: number, token: number, latencyUs: number): void {
    if (token === BIRTH_TOKEN || token <= INBOX_TOKEN_BASE) return this.endLinger(id);
    this.qosAcked++;
    this.ctx.rec.add(C.mqtt_publish_acked_total);
    this.ctx.rec.record(H.mqtt_publish_ack_duration_us, latencyUs);
    this.endLinger(id);
  }

  /** The last ack of a lingering session came: DISCONNECT now (outside the pool's callback). */
  private endLinger(id: number): void {
    if (this.phase[id] !== PHASE.lingering) return;
    queueMicrotask(() => {
      if (this.phase[id] !== PHASE.lingering || this.pool.inFlight(id) > 0) return;
      this.phase[id] = PHASE.connected;
      this.drop(id, true);
      this.pump();
    });
  }

  onPublishResent(): void {
    this.ctx.rec.add(C.mqtt_publish_resent_total);
  }

  onPublishFail(id: number, token: number, reason: PublishFailReason, reasonCode: number): void {
    if (token === BIRTH_TOKEN || token <= INBOX_TOKEN_BASE) return this.endLinger(id);
    this.qosFailed++;
    this.endLinger(id);
    const rec = this.ctx.rec;
    if (reason === 'rejected') rec.add(publishRefusedCounter(reasonCode));
    else if (reason === 'timeout') rec.add(C['mqtt_publish_failed_total{reason="lost"}']);
    else rec.add(C['mqtt_publish_failed_total{reason="disconnected"}']);
    this.cohortFailed(id);
  }

  onMessage(id: number, topic: string, payload: Buffer, qos: QoS, props?: PublishProperties): void {
    if (this.ctx.closing) return;
    for (const inbox of this.inboxes) if (inbox.message(id, topic, payload, qos, props)) return;
  }

  onSubAck(id: number, token: number, granted: number): void {
    for (const inbox of this.inboxes) inbox.subscribed?.(id, token, granted);
  }

  onClose(id: number, reason: CloseReason, code: number): void {
    const was = this.phase[id] as number;
    if (was === PHASE.none) return; // we ended it
    this.phase[id] = PHASE.none;
    this.open--;
    if (!this.ctx.closing) {
      if (was === PHASE.connected) this.linkLost(id, reason, code);
      this.pump();
    }
  }

  /** The broker (or the network) ended a session the device still holds. */
  private linkLost(id: number, reason: CloseReason, code: number): void {
    const sh = this.ctx.shardOf(id);
    const d = this.ctx.localOf(sh, id);
    const a = sh.a;
    if (a.conn[d] !== CS.connected) return; // it has not applied the CONNACK yet: its deadline handles it
    // Our own cut happened at the outage's start, however long resetting thousands of sockets takes.
    const at = this.cutAtUs ?? this.ctx.answerAt();
    const out = this.outageOn(sh, d) ? this.outage : null;
    loseLink(sh, d, disconnectCounter(reason, code, out !== null));
    a.flags[d] = (a.flags[d] as number) & ~FLAG.halfOpen;
    if (out !== null) {
      a.flags[d] = (a.flags[d] as number) | FLAG.outageTracked;
      sh.rec.add(outageTrackCounter(this.ctx.typeOf(sh, d)));
      sh.faultHits[out.faultIndex] = (sh.faultHits[out.faultIndex] as number) + 1;
    }
    a.attempt[d] = 0;
    goBackoff(sh, d, at, this.ctx.typeOf(sh, d));
    sh.reschedule(d);
  }

  /** The broker of the device with global id `gid`: it connects to URL gid mod N. */
  brokerOf(gid: number): number {
    return gid % this.opts.targets.length;
  }

  /**
   * A connect while fleetstorm's own outage is in force: the fault proxy (or the embedded
   * backend) would refuse it without the target ever seeing it, so it is refused here, at once,
   * without a socket. In a 52,000-device storm the devices retried up to 33,000 times a second
   * into the outage; opening each socket only for our own proxy to reset it put the generator
   * seconds behind (lag p99 2.5 s), so devices made fewer attempts than the scenario says, their
   * backoff grew less, and they came back in a denser wave than it describes.
   */
  private refuseInOutage(sh: Shard, d: number, t: number): void {
    sh.a.pend[d] = PEND.outage;
    sh.a.connDue[d] = t;
    this.connectErrors.add(PEND.outage, 'refused by the injected outage (no socket opened)');
  }

  /**
   * The outage just set in `outage` begins, against brokers with no fault proxy in front: every
   * connection to its brokers is reset (TCP RST, so the broker drops the session at once and
   * publishes its will, as when the proxy resets both sides). Sessions are lost as by the
   * network (counted `outage`), connects in progress fail as refused by it.
   */
  cutLinks(atUs: number): void {
    if (this.outage === null) return;
    this.cutAtUs = atUs;
    try {
      for (let id = 0; id < this.phase.length; id++) {
        if (this.phase[id] === PHASE.none) continue;
        const sh = this.ctx.shardOf(id);
        if (this.outageOn(sh, this.ctx.localOf(sh, id))) this.pool.destroy(id);
      }
    } finally {
      this.cutAtUs = null;
    }
  }

  /** Is an outage in force on the broker of shard device d? */
  private outageOn(sh: Shard, d: number): boolean {
    const out = this.outage;
    if (out === null) return false;
    return out.brokers === undefined || out.brokers.includes(this.brokerOf(sh.globalId(d)));
  }

  /** Connects whose device certificate files could not be used (warned in the report). */
  get deviceCertFailures(): number {
    return this.opts.deviceCerts?.failures ?? 0;
  }

  /** The device's own TLS identity when its type has certificates (read now, held by the socket). */
  private ownCertificate(sh: Shard, id: number, gid: number): { secureContext?: SecureContext } {
    const certs = this.opts.deviceCerts;
    if (!certs) return {};
    const ctx = certs.contextFor(gid, sh.a.type[this.ctx.localOf(sh, id)] as number);
    return ctx === undefined ? {} : { secureContext: ctx };
  }

  /** The CONNECT's client id, username and password, filled for this device and attempt. */
  private who(sh: Shard, id: number, gid: number): ConnectIdentity {
    const type = sh.a.type[this.ctx.localOf(sh, id)] as number;
    return this.opts.identity.forConnect(id, gid, type, gid % this.opts.targets.length, wallClockMs());
  }

  /** Connected devices whose token is about to expire reconnect with a fresh one, as a device SDK does. */
  private renewExpiredTokens(): void {
    const renewAt = this.opts.identity.renewAtMs;
    const nowMs = wallClockMs();
    for (let id = 0; id < renewAt.length; id++) {
      if ((renewAt[id] as number) > nowMs || this.phase[id] !== PHASE.connected || this.ctx.closing) continue;
      const sh = this.ctx.shardOf(id);
      const d = this.ctx.localOf(sh, id);
      if (sh.a.conn[d] !== CS.connected) continue;
      this.release(sh, d, true);
      sh.rec.add(C['mqtt_disconnects_total{reason="token_expiry"}']);
      sh.setConn(d, CS.backoff);
      sh.a.attempt[d] = 0;
      sh.a.connDue[d] = this.ctx.answerAt();
      sh.reschedule(d);
    }
  }

  /**
   * Connects still waiting for a CONNACK when the run ends (a silent broker): counted as
   * failed for timeout, so connect_failure_ratio sees them, with a detail of their own in
   * live.connectErrors (the run's end cut them, their own deadline may not have passed).
   * Returns how many.
   */
  countPendingConnects(): number {
    let n = 0;
    for (let id = 0; id < this.phase.length; id++) if (this.phase[id] === PHASE.connecting) n++;
    if (n > 0) {
      this.ctx.rec.add(C['mqtt_connect_failed_total{reason="timeout"}'], n);
      this.connectErrors.add(PEND.timeout, RUN_END_DETAIL, n);
    }
    return n;
  }

  close(): void {
    if (this.renewTimer) realTimers.clearInterval(this.renewTimer);
    // The run's end is no device's death: with wills, sessions end with DISCONNECT (no will).
    if (this.opts.birthWill?.hasWills)
      for (let id = 0; id < this.phase.length; id++)
        if (this.phase[id] === PHASE.connected || this.phase[id] === PHASE.lingering)
          this.pool.disconnect(id, { clean: true });
    this.pool.close();
  }
}

/**
 * The one-way latency a radio-degrade fault adds to a degraded device's uplink, in real ms (a
 * network latency: real time, not scaled by the speed); 0 otherwise.
 */
function degradeDelayMs(sh: Shard, d: number): number {
  const extraUs = sh.degrade.latencyUs;
  return (sh.a.flags[d] as number) & FLAG.degraded && extraUs !== null ? extraUs / 1000 : 0;
}
