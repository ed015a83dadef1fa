// Why a live connect failed, as the device's pending result (PEND) and so as the label of
// mqtt_connect_failed_total: a refusing CONNACK by its MQTT 5 reason code or 3.1.1 return code,
// a connect that got no CONNACK by what the socket said; and a publish an MQTT 5 broker refused,
// by its PUBACK/PUBREC reason code. Pure: no sockets, no state.
import { PEND, type PendCode } from '../core/shard-layout.js';
import { C } from '../metrics/catalog.js';
import { CONNECT_FAILURE, type CloseReason } from '../transports/mqtt/types.js';

/** MQTT 5 CONNACK reason codes with a label of their own [MQTT-3.2.2.2]; others are `rejected`. */
const V5_REASONS: ReadonlyMap<number, PendCode> = new Map<number, PendCode>([
  [0x84, PEND.unsupportedProtocol],
  [0x85, PEND.badClientId],
  [0x86, PEND.badCredentials],
  [0x87, PEND.notAuthorized],
  [0x88, PEND.serverUnavailable],
  [0x89, PEND.serverBusy],
  [0x8a, PEND.banned],
  [0x8c, PEND.badCredentials], // Bad authentication method
  [0x97, PEND.quotaExceeded],
  [0x9f, PEND.connectionRateExceeded],
]);

/** MQTT 3.1.1 CONNACK return codes 1–5 [MQTT-3.2.2.3]; 6–255 are reserved (`rejected`). */
const V311_RETURN_CODES: readonly PendCode[] = [
  PEND.ok,
  PEND.unsupportedProtocol,
  PEND.badClientId,
  PEND.serverUnavailable,
  PEND.badCredentials,
  PEND.notAuthorized,
];

/** The pending result of a CONNACK that refused the connection (code ≠ 0). */
export function connackFailure(code: number, protocolVersion: 4 | 5): PendCode {
  const mapped = protocolVersion === 5 ? V5_REASONS.get(code) : V311_RETURN_CODES[code];
  return mapped === undefined || mapped === PEND.ok ? PEND.rejected : mapped;
}

// Node's certificate-verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED,
// SELF_SIGNED_CERT_IN_CHAIN...), its TLS errors (ERR_TLS_CERT_ALTNAME_INVALID) and OpenSSL's
// alerts (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: the broker refused our certificate).
const TLS_ERROR =
  /^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|^UNABLE_TO_|^(INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED|HOSTNAME_MISMATCH|EPROTO)$/;

export function isTlsErrorCode(code: string): boolean {
  return TLS_ERROR.test(code);
}

/**
 * The pending result of a connect that got no CONNACK: `failure` is the pool's local code
 * (CONNECT_FAILURE, < 0) and `errorCode` the socket error that ended it ('' when none).
 */
export function socketFailure(failure: number, errorCode: string): PendCode {
  if (failure === CONNECT_FAILURE.timeout) return PEND.timeout;
  if (failure === CONNECT_FAILURE.tls || isTlsErrorCode(errorCode)) return PEND.tls;
  if (errorCode === 'ECONNREFUSED') return PEND.connectionRefused;
  if (failure === CONNECT_FAILURE.closed || errorCode === 'ECONNRESET' || errorCode === 'EPIPE')
    return PEND.connectionClosed;
  return PEND.network;
}

/** Backend faults in force when the answer came (the tool's own doing, named as such). */
export interface FaultsInForce {
  /** backend-outage: a connect that got no CONNACK failed because of it. */
  outage: boolean;
  /** broker-reject: a refusing CONNACK is the fault's. */
  rejecting: boolean;
}

/** The device's pending result for one onConnack of the pool. */
export function connectResult(
  ok: boolean,
  reasonCode: number,
  protocolVersion: 4 | 5,
  errorCode: string,
  faults: FaultsInForce,
): PendCode {
  if (ok) return PEND.ok;
  if (reasonCode >= 0) return faults.rejecting ? PEND.rejected : connackFailure(reasonCode, protocolVersion);
  if (reasonCode === CONNECT_FAILURE.timeout) return PEND.timeout;
  return faults.outage ? PEND.outage : socketFailure(reasonCode, errorCode);
}

/**
 * What a label cannot hold, for the report: the CONNACK code as the protocol names it, or the
 * socket/TLS error code (UNABLE_TO_VERIFY_LEAF_SIGNATURE, ECONNREFUSED...).
 */
export function failureDetail(reasonCode: number, protocolVersion: 4 | 5, errorCode: string): string {
  if (reasonCode >= 0) {
    const hex = `0x${reasonCode.toString(16).toUpperCase().padStart(2, '0')}`;
    return protocolVersion === 5 ? `MQTT 5 reason ${hex}` : `MQTT 3.1.1 return code ${reasonCode}`;
  }
  if (errorCode !== '') return errorCode;
  if (reasonCode === CONNECT_FAILURE.timeout) return 'no CONNACK in time';
  return reasonCode === CONNECT_FAILURE.closed ? 'closed before CONNACK' : 'no CONNACK';
}

/** MQTT 5 PUBACK/PUBREC reason codes with a label of their own [MQTT-3.4.2.1]; others `rejected`. */
const PUBLISH_REASONS: ReadonlyMap<number, number> = new Map([
  [0x87, C['mqtt_publish_failed_total{reason="not_authorized"}']],
  [0x97, C['mqtt_publish_failed_total{reason="quota_exceeded"}']],
  [0x90, C['mqtt_publish_failed_total{reason="topic_invalid"}']],
  [0x95, C['mqtt_publish_failed_total{reason="packet_too_large"}']],
  [0x99, C['mqtt_publish_failed_total{reason="payload_invalid"}']],
]);

/** The counter of a publish the broker refused with MQTT 5 reason `code` (≥ 0x80). */
export function publishRefusedCounter(code: number): number {
  return PUBLISH_REASONS.get(code) ?? C['mqtt_publish_failed_total{reason="rejected"}'];
}

/** MQTT 5 DISCONNECT reason "Session taken over" [MQTT-3.14.2.1]: another connection used the id. */
const SESSION_TAKEN_OVER = 0x8e;

/**
 * The mqtt_disconnects_total counter of a session the broker or the network ended: `outage`
 * while a backend-outage fault is in force (the tool's doing), else what ended it.
 */
export function disconnectCounter(reason: CloseReason, code: number, outage: boolean): number {
  if (outage) return C['mqtt_disconnects_total{reason="outage"}'];
  if (reason === 'keepalive') return C['mqtt_disconnects_total{reason="keepalive"}'];
  if (reason === 'error') return C['mqtt_disconnects_total{reason="network"}'];
  if (code === SESSION_TAKEN_OVER) return C['mqtt_disconnects_total{reason="session_taken_over"}'];
  if (code > 0) return C['mqtt_disconnects_total{reason="server_disconnect"}'];
  return C['mqtt_disconnects_total{reason="connection_closed"}'];
}
