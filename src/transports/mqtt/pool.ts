// MqttConnectionPool: many MQTT connections behind one object. Sockets read into one shared
// buffer (net `onread`), listeners are shared functions that find their connection through the
// socket's slot, and one interval does all the housekeeping.
import { monotonicUs, realTimers, type TimerHandle, type Timers } from '../../clock/real-clock.js';
import { DISCONNECT, encodeConnect, encodePublish, encodeSubscribe } from './codec.js';
import { PHASE } from './connection-table.js';
import { PoolCore, SOCKET_END, type SocketEnd } from './core.js';
import { housekeep, type HousekeepingLimits } from './housekeeping.js';
import { INFLIGHT, type InflightState } from './inflight.js';
import { StreamDialer } from './dialer.js';
import { SocketEvents, socketListeners } from './socket-events.js';
import { parseMqttUrl } from './target.js';
import {
  PUBLISH_RESULT,
  type ConnectOptions,
  type MqttPoolOptions,
  type MqttPoolStats,
  type MqttTarget,
  type PublishProperties,
  type PublishResult,
  type QoS,
} from './types.js';

export class MqttConnectionPool {
  private readonly core: PoolCore;
  private readonly events: SocketEvents;
  private readonly timers: Timers;
  private readonly limits: HousekeepingLimits;
  private readonly maxInFlight: number;
  private readonly targets = new Map<string, MqttTarget>();
  private ticker: TimerHandle | undefined;
  private readonly dialer: StreamDialer;
  private readonly tlsOptions: MqttPoolOptions['tls'];
  private readonly hostAddresses: Readonly<Record<string, string>>;
  private readonly connectGate: ((open: () => void) => void) | undefined;

  constructor(opts: MqttPoolOptions) {
    this.maxInFlight = opts.maxInFlight ?? 16;
    this.core = new PoolCore(
      opts.handler,
      opts.clock ?? monotonicUs,
      opts.protocolVersion === 5,
      this.maxInFlight,
    );
    this.events = new SocketEvents(this.core, () => this.stopTicking());
    this.timers = opts.timers ?? realTimers;
    const tickMs = opts.tickMs ?? 250;
    this.limits = {
      connectTimeoutUs: (opts.connectTimeoutMs ?? 10_000) * 1000,
      ackTimeoutUs: (opts.ackTimeoutMs ?? 30_000) * 1000,
      tickUs: tickMs * 1000,
    };
    this.hostAddresses = opts.hostAddresses ?? {};
    this.connectGate = opts.connectGate;
    this.tlsOptions = opts.tls;
    this.dialer = new StreamDialer(
      this.core,
      socketListeners(this.events),
      opts.localAddresses ?? [],
      opts.connectTimeoutMs ?? 10_000,
    );
  }

  /** Connections with a socket (connecting or connected). */
  get size(): number {
    return this.core.table.open;
  }

  stats(): MqttPoolStats {
    return this.core.stats();
  }

  isConnected(id: number): boolean {
    const slot = this.core.table.slotOf(id);
    return slot >= 0 && this.core.table.phase[slot] === PHASE.connected;
  }

  /**
   * The socket error code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN...) that is ending a
   * connection, readable inside its onConnack/onClose callbacks; '' otherwise.
   */
  get endingError(): string {
    return this.core.endingError;
  }

  /** QoS 1/2 publishes and subscribes of `id` awaiting their ack. */
  inFlight(id: number): number {
    const slot = this.core.table.slotOf(id);
    return slot < 0 ? 0 : (this.core.inflight.count[slot] as number);
  }

  /** Opens a connection; the outcome arrives as onConnack (and, when it ends, onClose). */
  connect(id: number, target: string | MqttTarget, opts: ConnectOptions): void {
    const { table, inflight, clock } = this.core;
    if (table.slotOf(id) >= 0) throw new Error(`MQTT connection ${id} is already open`);
    const where = typeof target === 'string' ? this.resolve(target) : target;
    const slot = table.alloc(id);
    inflight.ensure(table.capacity);
    const now = clock();
    const keepaliveSec = opts.keepaliveSec ?? 60;
    table.phase[slot] = PHASE.connecting;
    table.window[slot] = this.maxInFlight;
    table.keepaliveUs[slot] = keepaliveSec * 1e6;
    table.connectIntendedUs[slot] = opts.intendedUs ?? now;
    table.connectStartUs[slot] = now;
    table.lastSendUs[slot] = now;
    table.lastRecvUs[slot] = now;
    const version = opts.protocolVersion ?? (this.core.v5 ? 5 : 4);
    table.v5[slot] = version === 5 ? 1 : 0;
    table.keep[slot] = opts.clean === false ? 1 : 0;
    if (opts.clean !== false) this.core.sessions.discard(this.core, id); // a clean start drops what was held
    const open = (): void => {
      const socket = this.dialer.open(where, slot, id, opts.secureContext);
      table.sockets[slot] = socket;
      socket.write(encodeConnect({ ...opts, clean: opts.clean ?? true, keepaliveSec }, version)); // queued until connected
    };
    const gate = this.connectGate;
    if (gate === undefined) open();
    // Held by a connect-rate limit: open only if this very attempt is still waiting then.
    else
      gate(() => {
        if (table.slotOf(id) === slot && table.connectStartUs[slot] === now && !table.sockets[slot]) open();
      });
    this.startTicking();
  }

  /**
   * Sends a PUBLISH (`retain`: the broker keeps it for later subscribers; `props`: MQTT 5
   * properties, dropped on a 3.1.1 connection); QoS 1/2 completion arrives as onPublishAck / onPublishFail.
   */
  publish(
    id: number,
    topic: string,
    payload: Uint8Array,
    qos: QoS,
    token: number,
    intendedUs?: number,
    retain = false,
    props?: PublishProperties,
  ): PublishResult {
    const slot = this.connectedSlot(id);
    if (slot < 0) return PUBLISH_RESULT.notConnected;
    if (qos === 0) {
      this.core.send(slot, encodePublish(topic, payload, 0, 0, this.core.isV5(slot), false, retain, props));
      return PUBLISH_RESULT.sent;
    }
    const i = this.claim(slot, qos === 1 ? INFLIGHT.puback : INFLIGHT.pubrec, token, intendedUs);
    if (i < 0) return PUBLISH_RESULT.windowFull;
    const { inflight } = this.core;
    const packet = encodePublish(
      topic,
      payload,
      qos,
      inflight.pid[i] as number,
      this.core.isV5(slot),
      false,
      retain,
      props,
    );
    if (this.core.table.keep[slot] === 1) inflight.packets.set(i, packet); // resent with DUP after a drop
    this.core.send(slot, packet, inflight.sentUs[i]);
    return PUBLISH_RESULT.sent;
  }

  /** Subscribes to `topics` at `qos`; the result arrives as onSubAck (granted -1 if lost). */
  subscribe(
    id: number,
    topics: string | readonly string[],
    qos: QoS,
    token: number,
    intendedUs?: number,
  ): PublishResult {
    const slot = this.connectedSlot(id);
    if (slot < 0) return PUBLISH_RESULT.notConnected;
    const i = this.claim(slot, INFLIGHT.suback, token, intendedUs);
    if (i < 0) return PUBLISH_RESULT.windowFull;
    const { inflight } = this.core;
    const list = typeof topics === 'string' ? [topics] : topics;
    const packet = encodeSubscribe(list, qos, inflight.pid[i] as number, this.core.isV5(slot) ? 5 : 4);
    this.core.send(slot, packet, inflight.sentUs[i]);
    return PUBLISH_RESULT.sent;
  }

  /**
   * Ends a connection now (onClose runs before this returns). clean: DISCONNECT then FIN
   * (no will message); otherwise FIN without DISCONNECT (the broker publishes the will).
   */
  disconnect(id: number, opts: { clean: boolean } = { clean: true }): void {
    const { table } = this.core;
    const slot = table.slotOf(id);
    if (slot < 0) return;
    const connected = table.phase[slot] === PHASE.connected && table.frozen[slot] === 0;
    if (opts.clean && connected) this.core.send(slot, DISCONNECT); // [MQTT-3.14.4-3]
    const end: SocketEnd = table.frozen[slot] === 1 ? SOCKET_END.destroy : SOCKET_END.flush;
    this.core.closeSlot(slot, opts.clean && connected ? 'clean' : 'local', 0, end);
  }

  /** Abrupt close: TCP RST, nothing flushed (power loss as seen from the device). */
  destroy(id: number): void {
    const slot = this.core.table.slotOf(id);
    if (slot >= 0) this.core.closeSlot(slot, 'local', 0, SOCKET_END.reset);
  }

  /**
   * Half-open link: nothing is read and writes queue in the socket (as TCP would retransmit
   * them). The keepalive check ends the connection after 1.5 × keepalive unless thaw() comes first.
   */
  freeze(id: number): void {
    this.setFrozen(id, true);
  }

  thaw(id: number): void {
    this.setFrozen(id, false);
  }

  private setFrozen(id: number, on: boolean): void {
    const { table } = this.core;
    const slot = table.slotOf(id);
    const socket = slot < 0 ? undefined : table.sockets[slot];
    if (socket === undefined || table.frozen[slot] === (on ? 1 : 0)) return;
    table.frozen[slot] = on ? 1 : 0;
    if (on) {
      socket.cork();
      socket.pause();
    } else {
      socket.uncork();
      socket.resume();
    }
  }

  /** Destroys every connection (onClose 'local' for each) and stops the housekeeping interval. */
  close(): void {
    const { table } = this.core;
    for (let slot = 0; slot < table.highWater; slot++) {
      if (table.phase[slot] !== PHASE.free) this.core.closeSlot(slot, 'local', 0, SOCKET_END.destroy);
    }
    this.core.sessions.close(this.core); // publishes held for a reconnect that will not come
    this.stopTicking();
  }

  /** Slot of a connected id, or -1. */
  private connectedSlot(id: number): number {
    const { table } = this.core;
    const slot = table.slotOf(id);
    return slot >= 0 && table.phase[slot] === PHASE.connected ? slot : -1;
  }

  /** Takes an in-flight entry of `slot` (window permitting), stamped now; its index or -1. */
  private claim(slot: number, state: InflightState, token: number, intendedUs: number | undefined): number {
    const { table, inflight, clock } = this.core;
    const i = inflight.alloc(slot, table.window[slot] as number, state);
    if (i < 0) return -1;
    const now = clock();
    inflight.token[i] = token;
    inflight.intendedUs[i] = intendedUs ?? now;
    inflight.sentUs[i] = now;
    return i;
  }

  private resolve(url: string): MqttTarget {
    let target = this.targets.get(url);
    if (target === undefined) {
      target = parseMqttUrl(url);
      const address = this.hostAddresses[target.host.toLowerCase()];
      if (address !== undefined) target.address = address;
      if (target.tls && this.tlsOptions !== undefined) target.tlsOptions = this.tlsOptions;
      this.targets.set(url, target);
    }
    return target;
  }

  private startTicking(): void {
    if (this.ticker !== undefined) return;
    this.ticker = this.timers.setInterval(() => {
      housekeep(this.core, this.limits);
      if (this.core.table.open === 0) this.stopTicking();
    }, this.limits.tickUs / 1000);
  }

  private stopTicking(): void {
    if (this.ticker === undefined) return;
    this.timers.clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
