import { describe, expect, it } from 'vitest';
import { PEND } from '../../../src/core/shard-layout.js';
import { PEND_FAILURE_COUNTER } from '../../../src/device/connectivity.js';
import { COUNTERS } from '../../../src/metrics/catalog.js';
import { ConnectErrorTally, pendLabel } from '../../../src/live/connect-errors.js';
import {
  connackFailure,
  connectResult,
  disconnectCounter,
  failureDetail,
  isTlsErrorCode,
  publishRefusedCounter,
  socketFailure,
} from '../../../src/live/connect-reason.js';
import { CONNECT_FAILURE, type CloseReason } from '../../../src/transports/mqtt/types.js';

const none = { outage: false, rejecting: false };

describe('connect failure reasons', () => {
  it('every failed pending code has its own counter, in PEND order', () => {
    const codes = Object.values(PEND).filter((p) => p !== PEND.ok);
    expect(PEND_FAILURE_COUNTER).toHaveLength(codes.length + 1);
    const names = codes.map((p) => COUNTERS[PEND_FAILURE_COUNTER[p] as number]);
    expect(new Set(names).size).toBe(codes.length);
    for (const n of names) expect(n).toMatch(/^mqtt_connect_failed_total\{reason="[a-z_]+"\}$/);
  });

  it('maps MQTT 3.1.1 return codes 1-5, reserved codes are rejected', () => {
    const labels = [1, 2, 3, 4, 5, 6, 200].map((c) => pendLabel(connackFailure(c, 4)));
    expect(labels).toEqual([
      'unsupported_protocol',
      'bad_client_id',
      'server_unavailable',
      'bad_credentials',
      'not_authorized',
      'rejected',
      'rejected',
    ]);
  });

  it('maps MQTT 5 reason codes; unnamed ones and 3.1.1 numbers are rejected', () => {
    const codes = [0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x97, 0x9f, 0x80, 0x95, 5];
    expect(codes.map((c) => pendLabel(connackFailure(c, 5)))).toEqual([
      'unsupported_protocol',
      'bad_client_id',
      'bad_credentials',
      'not_authorized',
      'server_unavailable',
      'server_busy',
      'banned',
      'quota_exceeded',
      'connection_rate_exceeded',
      'rejected',
      'rejected',
      'rejected',
    ]);
  });

  it('names socket failures: TLS, nothing listening, closed, other', () => {
    const s = CONNECT_FAILURE.socket;
    expect(pendLabel(socketFailure(s, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe('tls');
    expect(pendLabel(socketFailure(s, 'SELF_SIGNED_CERT_IN_CHAIN'))).toBe('tls');
    expect(pendLabel(socketFailure(s, 'ERR_TLS_CERT_ALTNAME_INVALID'))).toBe('tls');
    expect(pendLabel(socketFailure(s, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'))).toBe('tls');
    expect(pendLabel(socketFailure(s, 'ECONNREFUSED'))).toBe('connection_refused');
    expect(pendLabel(socketFailure(CONNECT_FAILURE.closed, ''))).toBe('connection_closed');
    expect(pendLabel(socketFailure(s, 'ECONNRESET'))).toBe('connection_closed');
    expect(pendLabel(socketFailure(s, 'EHOSTUNREACH'))).toBe('network');
    expect(pendLabel(socketFailure(CONNECT_FAILURE.timeout, ''))).toBe('timeout');
    expect(isTlsErrorCode('ECONNREFUSED')).toBe(false);
  });

  it('faults in force name their own failures: outage for no CONNACK, rejected for refusals', () => {
    const refused = CONNECT_FAILURE.socket;
    expect(connectResult(false, refused, 4, 'ECONNREFUSED', { outage: true, rejecting: false })).toBe(
      PEND.outage,
    );
    expect(connectResult(false, refused, 4, 'ECONNREFUSED', none)).toBe(PEND.connectionRefused);
    expect(connectResult(false, 0x9f, 5, '', { outage: false, rejecting: true })).toBe(PEND.rejected);
    expect(connectResult(false, 0x9f, 5, '', none)).toBe(PEND.connectionRateExceeded);
    expect(connectResult(false, CONNECT_FAILURE.timeout, 5, '', { outage: true, rejecting: false })).toBe(
      PEND.timeout,
    );
    expect(connectResult(true, 0, 5, '', none)).toBe(PEND.ok);
  });

  it('names a publish an MQTT 5 broker refused by its reason code', () => {
    const name = (code: number) => COUNTERS[publishRefusedCounter(code)];
    expect(name(0x87)).toBe('mqtt_publish_failed_total{reason="not_authorized"}');
    expect(name(0x97)).toBe('mqtt_publish_failed_total{reason="quota_exceeded"}');
    expect(name(0x90)).toBe('mqtt_publish_failed_total{reason="topic_invalid"}');
    expect(name(0x80)).toBe('mqtt_publish_failed_total{reason="rejected"}');
  });

  it('names who ended a session: the outage fault, keepalive, a takeover, the broker, the network', () => {
    const name = (reason: CloseReason, code: number, outage = false) =>
      COUNTERS[disconnectCounter(reason, code, outage)];
    expect(name('remote', 0, true)).toBe('mqtt_disconnects_total{reason="outage"}');
    expect(name('keepalive', 0)).toBe('mqtt_disconnects_total{reason="keepalive"}');
    expect(name('remote', 0x8e)).toBe('mqtt_disconnects_total{reason="session_taken_over"}');
    expect(name('remote', 0x8b)).toBe('mqtt_disconnects_total{reason="server_disconnect"}');
    expect(name('remote', 0)).toBe('mqtt_disconnects_total{reason="connection_closed"}');
    expect(name('error', 0)).toBe('mqtt_disconnects_total{reason="network"}');
  });

  it('adds failures no callback described, so the list adds up to the counters', () => {
    const tally = new ConnectErrorTally();
    tally.add(PEND.tls, 'CERT_HAS_EXPIRED');
    const counters: Record<string, number> = {
      'mqtt_connect_failed_total{reason="tls"}': 3,
      'mqtt_connect_failed_total{reason="timeout"}': 2,
    };
    expect(tally.list((n) => counters[n] ?? 0)).toEqual([
      { reason: 'timeout', detail: 'no CONNACK in time', count: 2 },
      { reason: 'tls', detail: 'no detail', count: 2 },
      { reason: 'tls', detail: 'CERT_HAS_EXPIRED', count: 1 },
    ]);
    expect(tally.list()).toEqual([{ reason: 'tls', detail: 'CERT_HAS_EXPIRED', count: 1 }]);
  });

  it('keeps the detail a label cannot hold', () => {
    expect(failureDetail(0x87, 5, '')).toBe('MQTT 5 reason 0x87');
    expect(failureDetail(5, 4, '')).toBe('MQTT 3.1.1 return code 5');
    expect(failureDetail(CONNECT_FAILURE.socket, 4, 'SELF_SIGNED_CERT_IN_CHAIN')).toBe(
      'SELF_SIGNED_CERT_IN_CHAIN',
    );
    expect(failureDetail(CONNECT_FAILURE.closed, 4, '')).toBe('closed before CONNACK');
  });
});
