import { describe, expect, it } from 'vitest';
import { dominantFailure, failureSentence, percentText } from '../../../src/reports/dominant-failure.js';
import { mergeLive } from '../../../src/reports/connect-errors.js';
import { failureSentences } from '../../../src/reports/failure-sentences.js';
import { renderHtml } from '../../../src/reports/html/render-html.js';
import { renderVerdict } from '../../../src/reports/html/verdict.js';
import { renderJunit } from '../../../src/reports/junit.js';
import { renderSummary } from '../../../src/reports/summary-text.js';
import { sampleReport } from '../../helpers/sample-report.js';

describe('dominantFailure', () => {
  it('names the reason most failures share, with the detail most of them had', () => {
    const d = dominantFailure({
      noun: 'connects',
      attempts: 150,
      byReason: { not_authorized: 138, timeout: 12, outage: 0 },
      details: [
        { reason: 'not_authorized', detail: 'MQTT 5 reason 0x87', count: 138 },
        { reason: 'timeout', detail: 'no CONNACK in time', count: 12 },
      ],
    });
    expect(d).toEqual({
      reason: 'not_authorized',
      count: 138,
      failures: 150,
      attempts: 150,
      detail: 'MQTT 5 reason 0x87',
    });
    expect(failureSentence(d!, 'connects', 'were refused: not authorized', ' (MQTT 5 reason 0x87)')).toBe(
      '92 % of 150 connects were refused: not authorized (MQTT 5 reason 0x87)',
    );
  });

  it('says nothing when no reason has half the failures, or failures are rare', () => {
    expect(dominantFailure({ noun: 'x', attempts: 100, byReason: { a: 30, b: 30, c: 40 } })).toBeNull();
    expect(dominantFailure({ noun: 'x', attempts: 100_000, byReason: { a: 5 } })).toBeNull();
    expect(dominantFailure({ noun: 'x', attempts: 0, byReason: {} })).toBeNull();
    expect(dominantFailure({ noun: 'x', attempts: 100, byReason: { a: 0 } })).toBeNull();
  });

  it('leaves out a detail that only a minority of the reason had', () => {
    const d = dominantFailure({
      noun: 'connects',
      attempts: 10,
      byReason: { tls: 10 },
      details: [
        { reason: 'tls', detail: 'CERT_HAS_EXPIRED', count: 4 },
        { reason: 'tls', detail: 'SELF_SIGNED_CERT_IN_CHAIN', count: 3 },
        { reason: 'tls', detail: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', count: 3 },
      ],
    });
    expect(d?.detail).toBeNull();
  });

  it('rounds shares without claiming all when not all failed', () => {
    expect(percentText(138, 150)).toBe('92 %');
    expect(percentText(999, 1000)).toBe('99.9 %');
    expect(percentText(3, 1000)).toBe('0.3 %');
    expect(percentText(5, 5)).toBe('100 %');
  });
});

describe('failureSentences', () => {
  it('says every connect failed TLS verification with the certificate error', () => {
    const r = sampleReport();
    r.metrics.counters = {
      mqtt_connect_attempts_total: 142,
      'mqtt_connect_failed_total{reason="tls"}': 142,
    };
    r.live = { connectErrors: [{ reason: 'tls', detail: 'SELF_SIGNED_CERT_IN_CHAIN', count: 142 }] };
    expect(failureSentences(r)).toEqual([
      'all 142 connects failed TLS verification: SELF_SIGNED_CERT_IN_CHAIN',
    ]);
  });

  it('says what to do when MQTT 5 devices meet the embedded broker', () => {
    const r = sampleReport();
    r.scenario = { ...r.scenario, mode: 'live', target: { ...r.scenario.target, mqttUrls: [] } };
    r.metrics.counters = {
      mqtt_connect_attempts_total: 20,
      'mqtt_connect_failed_total{reason="unsupported_protocol"}': 20,
    };
    r.live = { connectErrors: [{ reason: 'unsupported_protocol', detail: 'MQTT 5 reason 0x84', count: 20 }] };
    expect(failureSentences(r)).toEqual([
      'all 20 connects were refused: unsupported protocol version (MQTT 5 reason 0x84); the embedded broker speaks MQTT 3.1.1 only: point --target-mqtt at an MQTT 5 broker',
    ]);
  });

  it('covers publishes and check-ins too, and stays quiet on a healthy run', () => {
    const r = sampleReport();
    r.metrics.counters = {
      mqtt_connect_attempts_total: 100,
      mqtt_publish_total: 1000,
      'mqtt_publish_failed_total{reason="lost"}': 300,
      'mqtt_publish_failed_total{reason="disconnected"}': 20,
      http_checkin_total: 50,
      http_checkin_failed_total: 50,
    };
    expect(failureSentences(r)).toEqual([
      '30 % of 1,000 publishes got no acknowledgement in time',
      'all 50 check-ins failed',
    ]);
    r.metrics.counters = { mqtt_connect_attempts_total: 100, mqtt_publish_total: 1000 };
    expect(failureSentences(r)).toEqual([]);
  });
});

describe('the dominant failure in every rendering', () => {
  function tlsReport() {
    const r = sampleReport();
    r.metrics.counters = {
      mqtt_connect_attempts_total: 142,
      'mqtt_connect_failed_total{reason="tls"}': 142,
    };
    r.live = { connectErrors: [{ reason: 'tls', detail: 'SELF_SIGNED_CERT_IN_CHAIN', count: 142 }] };
    return r;
  }
  const sentence = 'all 142 connects failed TLS verification: SELF_SIGNED_CERT_IN_CHAIN';

  it('is in the summary, the HTML verdict and JUnit', () => {
    const r = tlsReport();
    expect(renderSummary(r)).toContain(`failures: ${sentence}`);
    expect(renderVerdict(r)).toContain(sentence);
    expect(renderJunit(r)).toContain(sentence);
  });

  it('lists the connect errors with their detail in the summary', () => {
    const r = tlsReport();
    r.live = {
      connectErrors: [
        { reason: 'tls', detail: 'SELF_SIGNED_CERT_IN_CHAIN', count: 140 },
        { reason: 'tls', detail: 'CERT_HAS_EXPIRED', count: 2 },
      ],
    };
    const lines = renderSummary(r).split('\n');
    const at = lines.indexOf('connect errors');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '  tls  SELF_SIGNED_CERT_IN_CHAIN  140',
      '  tls  CERT_HAS_EXPIRED             2',
    ]);
  });

  it('lists the connect errors in the HTML metrics, escaped', () => {
    const r = tlsReport();
    r.live = { connectErrors: [{ reason: 'tls', detail: '<CERT_HAS_EXPIRED>', count: 142 }] };
    const html = renderHtml(r);
    expect(html).toContain('Connect errors (live)');
    expect(html).toContain('&lt;CERT_HAS_EXPIRED&gt;');
    expect(html).not.toContain('<CERT_HAS_EXPIRED>');
  });

  it('is absent when nothing failed', () => {
    const r = sampleReport();
    r.metrics.counters = { mqtt_connect_attempts_total: 142 };
    expect(renderSummary(r)).not.toContain('failures:');
    expect(renderSummary(r)).not.toContain('connect errors');
  });
});

describe('live.connectErrors merge', () => {
  it('adds the counts of equal (reason, detail) pairs and orders most first', () => {
    const a = { connectErrors: [{ reason: 'tls', detail: 'CERT_HAS_EXPIRED', count: 2 }] };
    const b = {
      connectErrors: [
        { reason: 'tls', detail: 'CERT_HAS_EXPIRED', count: 3 },
        { reason: 'timeout', detail: 'no CONNACK in time', count: 7 },
      ],
    };
    expect(mergeLive([a, undefined, b])).toEqual({
      connectErrors: [
        { reason: 'timeout', detail: 'no CONNACK in time', count: 7 },
        { reason: 'tls', detail: 'CERT_HAS_EXPIRED', count: 5 },
      ],
    });
    expect(mergeLive([undefined, undefined])).toBeUndefined();
  });
});
