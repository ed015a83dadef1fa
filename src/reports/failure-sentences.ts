// The dominant failure reasons of a report in words, for the summary, the HTML verdict and
// JUnit: "all 142 connects failed TLS verification: SELF_SIGNED_CERT_IN_CHAIN".
import { COUNTER_FAMILIES } from '../metrics/names.js';
import {
  dominantFailure,
  failureSentence,
  type DominantFailure,
  type FailureCounts,
} from './dominant-failure.js';
import type { Report } from './report-types.js';
import { table } from './text-table.js';

/** What happened to a connect, by mqtt_connect_failed_total label. */
const CONNECT_WORDS: Readonly<Record<string, string>> = {
  not_authorized: 'were refused: not authorized',
  bad_credentials: 'were refused: bad user name or password',
  server_unavailable: 'were refused: server unavailable',
  bad_client_id: 'were refused: client identifier not valid',
  unsupported_protocol: 'were refused: unsupported protocol version',
  banned: 'were refused: banned',
  server_busy: 'were refused: server busy',
  quota_exceeded: 'were refused: quota exceeded',
  connection_rate_exceeded: 'were refused: connection rate exceeded',
  rejected: 'were refused by the broker',
  max_sessions: "were refused: the broker's session limit was reached",
  timeout: 'timed out before a CONNACK came',
  outage: 'failed during a backend outage',
  lost: 'were lost on the radio link',
  tls: 'failed the TLS handshake',
  connection_refused: 'found nothing listening (connection refused)',
  connection_closed: 'were closed by the other side before a CONNACK',
  network: 'failed with a network error',
};

/** Labels whose detail is a CONNACK code: shown in parentheses. */
const CONNACK_LABELS = new Set([
  'not_authorized',
  'bad_credentials',
  'server_unavailable',
  'bad_client_id',
  'unsupported_protocol',
  'banned',
  'server_busy',
  'quota_exceeded',
  'connection_rate_exceeded',
  'rejected',
]);

const PUBLISH_WORDS: Readonly<Record<string, string>> = {
  not_authorized: 'were refused: not authorized',
  quota_exceeded: 'were refused: quota exceeded',
  topic_invalid: 'were refused: topic name invalid',
  packet_too_large: 'were refused: packet too large',
  payload_invalid: 'were refused: payload format invalid',
  rejected: 'were rejected (in-flight window full, or a failing MQTT 5 reason code)',
  lost: 'got no acknowledgement in time',
  disconnected: 'failed: the device was not connected',
};

/** `{reason="x"}` label → count for one counter family ('' for an unlabelled counter). */
function byReason(r: Report, family: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of COUNTER_FAMILIES.get(family) ?? []) {
    const label = /="([^"]*)"/.exec(name)?.[1] ?? '';
    out[label] = (out[label] ?? 0) + (r.metrics.counters[name] ?? 0);
  }
  return out;
}

function connectPhrase(d: DominantFailure): [string, string] {
  if (d.reason === 'tls') {
    // A certificate check names its error code; an OpenSSL alert means the peer refused us.
    const verify = d.detail !== null && !/^(ERR_SSL_|EPROTO)/.test(d.detail);
    return [verify ? 'failed TLS verification' : 'failed the TLS handshake', d.detail ? `: ${d.detail}` : ''];
  }
  const phrase = CONNECT_WORDS[d.reason] ?? `failed: ${d.reason}`;
  if (d.detail === null) return [phrase, ''];
  return [
    phrase,
    CONNACK_LABELS.has(d.reason)
      ? ` (${d.detail})`
      : d.reason === 'connection_refused'
        ? ''
        : `: ${d.detail}`,
  ];
}

/** What the user can do about it, where the report alone knows. */
function withHint([phrase, detail]: [string, string], d: DominantFailure, r: Report): [string, string] {
  const embedded = r.scenario.mode === 'live' && r.scenario.target.mqttUrls.length === 0;
  if (d.reason === 'unsupported_protocol' && embedded)
    return [
      phrase,
      `${detail}; the embedded broker speaks MQTT 3.1.1 only: point --target-mqtt at an MQTT 5 broker`,
    ];
  return [phrase, detail];
}

function sentence(f: FailureCounts, phraseOf: (d: DominantFailure) => [string, string]): string | null {
  const d = dominantFailure(f);
  if (d === null) return null;
  const [phrase, detail] = phraseOf(d);
  return failureSentence(d, f.noun, phrase, detail);
}

/** One sentence per kind of request whose failures have a dominant reason; [] when none. */
export function failureSentences(r: Report): string[] {
  const c = r.metrics.counters;
  const out = [
    sentence(
      {
        noun: 'connects',
        attempts: c['mqtt_connect_attempts_total'] ?? 0,
        byReason: byReason(r, 'mqtt_connect_failed_total'),
        details: r.live?.connectErrors ?? [],
      },
      (d) => withHint(connectPhrase(d), d, r),
    ),
    sentence(
      {
        noun: 'publishes',
        attempts: c['mqtt_publish_total'] ?? 0,
        byReason: byReason(r, 'mqtt_publish_failed_total'),
      },
      (d) => [PUBLISH_WORDS[d.reason] ?? `failed: ${d.reason}`, ''],
    ),
    sentence(
      {
        noun: 'check-ins',
        attempts: c['http_checkin_total'] ?? 0,
        byReason: byReason(r, 'http_checkin_failed_total'),
      },
      (d) => [d.reason === '' ? 'failed' : `failed: ${d.reason.replace(/_/g, ' ')}`, ''],
    ),
  ];
  return out.filter((s): s is string => s !== null);
}

/** Connect failures shown with their detail in the summary (the rest stay in report.json). */
const CONNECT_ERROR_LINES = 8;

/** `connect errors` block of the summary: reason, detail and count, most first (live reports). */
export function connectErrorLines(r: Report): string[] {
  const list = r.live?.connectErrors ?? [];
  if (list.length === 0) return [];
  const shown = list.slice(0, CONNECT_ERROR_LINES);
  const rows = shown.map((e) => [e.reason, e.detail, e.count.toLocaleString('en-US')]);
  const more = list.length - shown.length;
  return [
    'connect errors',
    ...table(rows, '  ', ['left', 'left', 'right']),
    ...(more > 0 ? [`  ... ${more} more in report.json live.connectErrors`] : []),
  ];
}
