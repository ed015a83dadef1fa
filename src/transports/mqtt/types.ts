// Public types of the lean MQTT connection pool. Connections are numbered by the caller (the
// device index); results come back through ONE shared handler object, never per-connection
// emitters or closures, so 20k connections cost little more than their sockets.
import type { SecureContext, ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Timers } from '../../clock/real-clock.js';

export type MqttProtocolVersion = 4 | 5;
export type QoS = 0 | 1 | 2;

/** Why a connection ended. Exactly one onClose per connect(). */
export type CloseReason =
  /** We sent DISCONNECT and closed (disconnect(id, { clean: true })). */
  | 'clean'
  /** We closed without DISCONNECT: disconnect(id, { clean: false }) or destroy(id). */
  | 'local'
  /** The broker closed the socket, reset it, or sent DISCONNECT (MQTT 5). */
  | 'remote'
  /** Socket error before or after CONNACK (refused, unreachable, EMFILE...). */
  | 'error'
  /** Nothing received for 1.5 × keepalive [MQTT-3.1.2-24] (e.g. a half-open link). */
  | 'keepalive'
  /** No CONNACK within connectTimeoutMs. */
  | 'timeout'
  /** CONNACK carried a failure return/reason code. */
  | 'refused';

/** Publish failures reported asynchronously (synchronous ones are PublishResult codes). */
export type PublishFailReason =
  /** No ack within ackTimeoutMs. */
  | 'timeout'
  /** The connection closed while the publish was in flight. */
  | 'disconnected'
  /** MQTT 5 PUBACK/PUBREC with a reason code ≥ 0x80 (or SUBACK failure). */
  | 'rejected';

/** Local (non-MQTT) codes passed as onConnack's reasonCode when no CONNACK arrived. */
export const CONNECT_FAILURE = {
  /** The socket failed (refused, reset, unreachable) before CONNACK. */
  socket: -1,
  /** No CONNACK within connectTimeoutMs. */
  timeout: -2,
  /** The broker closed the connection before CONNACK. */
  closed: -3,
  /** We closed it (disconnect/destroy/close) before CONNACK. */
  aborted: -4,
  /**
   * The TLS handshake failed (certificate not trusted, name mismatch, client certificate
   * refused...); the error code is counted in stats().tlsErrors.
   */
  tls: -5,
} as const;

/** Synchronous outcome of publish()/subscribe(). */
export const PUBLISH_RESULT = {
  sent: 0,
  /** The per-connection in-flight window is full; nothing was sent. */
  windowFull: 1,
  /** The id has no connected session (connecting, closed or unknown). */
  notConnected: 2,
} as const;
export type PublishResult = (typeof PUBLISH_RESULT)[keyof typeof PUBLISH_RESULT];

/** Callbacks for every connection of a pool; `id` is the caller's connection id. */
export interface MqttHandler {
  /**
   * CONNACK (or a local failure, reasonCode < 0). Latency is from the intended connect time.
   * `sessionPresent`: the broker resumed a stored session (CONNACK flag) [MQTT-3.2.2-2].
   * A socket error's code is `pool.endingError` while this runs.
   */
  onConnack(id: number, ok: boolean, reasonCode: number, latencyUs: number, sessionPresent: boolean): void;
  /** PUBACK (QoS 1) or PUBCOMP (QoS 2). Latency is from the intended publish time. */
  onPublishAck(id: number, token: number, latencyUs: number): void;
  onPublishFail?(id: number, token: number, reason: PublishFailReason, reasonCode: number): void;
  /**
   * A kept session's publish, in flight when its last connection dropped, was sent again (DUP)
   * after a CONNACK with session present. Its ack or failure still comes, once.
   */
  onPublishResent?(id: number, token: number): void;
  /** SUBACK: `granted` is the first return code (QoS granted, or ≥ 0x80 on failure). */
  onSubAck?(id: number, token: number, granted: number, latencyUs: number): void;
  /**
   * Incoming PUBLISH (commands). `payload` is a copy the handler may keep. `props`: the MQTT 5
   * PUBLISH properties, undefined when the packet carried none (or on 3.1.1).
   */
  onMessage(id: number, topic: string, payload: Buffer, qos: QoS, props?: PublishProperties): void;
  /** The connection is gone and the id may be connected again. `code`: MQTT reason or 0. */
  onClose(id: number, reason: CloseReason, code: number): void;
}

/**
 * MQTT 5 PUBLISH properties [MQTT-3.3.2.3] the pool writes and reads; ignored on 3.1.1
 * connections. User properties keep their order and may repeat a name [MQTT-3.3.2-18].
 */
export interface PublishProperties {
  /** Message Expiry Interval in seconds: the broker drops the message when it is older [MQTT-3.3.2-5]. */
  messageExpirySec?: number;
  /** Response Topic: where the receiver should answer a request [MQTT-4.10]. */
  responseTopic?: string;
  /** Correlation Data: echoed in the response so the requester can match it. */
  correlationData?: Uint8Array;
  /** Content Type, e.g. `application/json` or `application/cbor`. */
  contentType?: string;
  /** Name-value pairs, in order. */
  userProperties?: readonly (readonly [string, string])[];
}

export interface MqttPoolOptions {
  handler: MqttHandler;
  /** Monotonic clock in microseconds (src/clock/real-clock.ts monotonicUs by default). */
  clock?: () => number;
  /** Timer port for the one shared housekeeping interval (real timers by default). */
  timers?: Timers;
  protocolVersion?: MqttProtocolVersion;
  /** QoS 1/2 publishes (and subscribes) in flight per connection; max 64. Default 16. */
  maxInFlight?: number;
  /** Default 10 000. */
  connectTimeoutMs?: number;
  /** PUBACK/PUBCOMP/SUBACK deadline; 0 disables. Default 30 000. */
  ackTimeoutMs?: number;
  /** Housekeeping tick (keepalive, timeouts). Default 250 ms. */
  tickMs?: number;
  /**
   * Source addresses to spread connections over (e.g. 127.0.0.2–127.0.0.9). Each address has
   * its own ephemeral-port space, and the kernel finds free ports much faster.
   */
  localAddresses?: readonly string[];
  /**
   * Host name (lower case) → address to connect to instead of resolving it (`--resolve`); the
   * target keeps its name for TLS (servername, certificate check).
   */
  hostAddresses?: Readonly<Record<string, string>>;
  /**
   * Called with each new connection's opener; calls it when the connection may open (at once or
   * later: a connect-rate limit). The connect timeout and latency run from connect().
   */
  connectGate?: (open: () => void) => void;
  /** TLS options of every mqtts:// / wss:// target given by URL (ca, cert, key, servername, rejectUnauthorized, ALPNProtocols). */
  tls?: TlsConnectionOptions;
}

export interface MqttTarget {
  host: string;
  port: number;
  tls: boolean;
  /**
   * When `tls`: the secure-context options (ca, cert, key) build ONE context per target; the
   * connect options used are rejectUnauthorized, servername (default: the host name),
   * ALPNProtocols and checkServerIdentity.
   */
  tlsOptions?: TlsConnectionOptions;
  /** MQTT over WebSockets (ws://, wss://): the HTTP path of the upgrade request, e.g. `/mqtt`. */
  wsPath?: string;
  /**
   * Where to connect instead of resolving `host` (`--resolve NAME:ADDR`). `host` stays the name:
   * TLS sends it as servername and checks the certificate against it.
   */
  address?: string;
}

export interface ConnectOptions {
  clientId: string;
  /** This connection's protocol (default: the pool's protocolVersion). */
  protocolVersion?: MqttProtocolVersion;
  username?: string;
  password?: Buffer | string;
  /** Clean session (3.1.1) / clean start (5). Default true. */
  clean?: boolean;
  /** Seconds; 0 disables keepalive. Default 60. */
  keepaliveSec?: number;
  /** MQTT 5 session expiry interval in seconds. */
  sessionExpirySec?: number;
  /**
   * Published by the broker if the connection ends without DISCONNECT [MQTT-3.1.2-8]; `delaySec`
   * is the MQTT 5 will delay interval (ignored on 3.1.1).
   */
  will?: { topic: string; payload: Buffer | string; qos?: QoS; retain?: boolean; delaySec?: number };
  /** When the caller meant to connect (µs on the pool clock); default now. */
  intendedUs?: number;
  /**
   * TLS targets: this connection's own secure context (a device certificate and key, built by
   * the caller); default the target's shared one. Its TLS sessions are cached per id.
   */
  secureContext?: SecureContext;
}

export interface MqttPoolStats {
  /** Connections with a live socket (connecting or connected). */
  open: number;
  connected: number;
  /** Socket error codes seen (ECONNREFUSED, EMFILE...), counted. */
  socketErrors: Record<string, number>;
  /** TLS failures by error code (SELF_SIGNED_CERT_IN_CHAIN, ERR_SSL_…), counted. */
  tlsErrors: Record<string, number>;
  /** The first message seen per TLS error code (e.g. `self-signed certificate in certificate chain`). */
  tlsErrorMessages: Record<string, string>;
  /** TLS handshakes that resumed a cached session (no full certificate exchange). */
  tlsResumed: number;
}
