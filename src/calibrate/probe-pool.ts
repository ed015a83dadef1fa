// The MQTT side of a calibration: one lean pool (src/transports/mqtt) over every target URL,
// the CONNECT identity of the scenario's first device type (or the URL's credentials), and one
// handler whose callbacks the probe running now sets. Connection i goes to URL i mod N.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { FleetIdentity } from '../identity/fleet-identity.js';
import {
  MqttConnectionPool,
  type CloseReason,
  type MqttHandler,
  type MqttProtocolVersion,
  type PublishFailReason,
} from '../transports/mqtt/index.js';
import type { CalibrateDeps } from './types.js';

export interface ProbeCallbacks {
  connack?: (id: number, ok: boolean, code: number, latencyUs: number) => void;
  ack?: (id: number, token: number, latencyUs: number) => void;
  fail?: (id: number, token: number, reason: PublishFailReason, code: number) => void;
  close?: (id: number, reason: CloseReason) => void;
}

export interface ProbePoolOptions {
  urls: readonly string[];
  /** The CONNECT fields (client id from the run tag, username, password) of connection i. */
  identity: FleetIdentity;
  protocolVersion: MqttProtocolVersion;
  answerTimeoutMs: number;
  tls?: TlsConnectionOptions | undefined;
  hostAddresses?: Readonly<Record<string, string>> | undefined;
}

export class ProbePool implements MqttHandler {
  readonly pool: MqttConnectionPool;
  on: ProbeCallbacks = {};
  /** Connected ids (CONNACK ok, not closed). */
  readonly connected = new Set<number>();
  /** Ids connecting or connected (connect called, onClose not yet). */
  readonly open = new Set<number>();
  /** The socket or TLS error of the last failed connect (pool.endingError while it was told). */
  lastEndingError: string | null = null;

  constructor(
    private readonly o: ProbePoolOptions,
    private readonly deps: CalibrateDeps,
  ) {
    this.pool = new MqttConnectionPool({
      handler: this,
      clock: deps.clock,
      timers: deps.timers,
      protocolVersion: o.protocolVersion,
      maxInFlight: 64,
      connectTimeoutMs: o.answerTimeoutMs,
      ackTimeoutMs: o.answerTimeoutMs,
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.hostAddresses ? { hostAddresses: o.hostAddresses } : {}),
    });
  }

  /** Opens connection `id` (clean session), its latency counted from `intendedUs`. */
  connect(id: number, intendedUs: number): void {
    const target = id % this.o.urls.length;
    this.open.add(id);
    const who = this.o.identity.forConnect(id, id, 0, target, this.deps.wallClockMs());
    this.pool.connect(id, this.o.urls[target] as string, {
      ...who,
      clean: true,
      keepaliveSec: 60,
      intendedUs,
    });
  }

  onConnack(id: number, ok: boolean, code: number, latencyUs: number): void {
    if (ok) this.connected.add(id);
    else this.lastEndingError = this.pool.endingError || null;
    this.on.connack?.(id, ok, code, latencyUs);
  }
  onPublishAck(id: number, token: number, latencyUs: number): void {
    this.on.ack?.(id, token, latencyUs);
  }
  onPublishFail(id: number, token: number, reason: PublishFailReason, code: number): void {
    this.on.fail?.(id, token, reason, code);
  }
  onMessage(): void {}
  onClose(id: number, reason: CloseReason): void {
    this.connected.delete(id);
    this.open.delete(id);
    this.on.close?.(id, reason);
  }

  /** DISCONNECT every connected id, abort the ones still connecting; every onClose has run after. */
  closeAll(): void {
    for (const id of [...this.open]) {
      if (this.connected.has(id)) this.pool.disconnect(id, { clean: true });
      else this.pool.destroy(id);
    }
  }

  close(): void {
    this.on = {};
    this.pool.close();
  }
}
