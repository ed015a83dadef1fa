// Schema of the modelled backend (virtual mode), the target (live mode) and live-mode settings.
import { isIP } from 'node:net';
import { PRESETS } from './presets/quota.js';
import * as z from 'zod';
import { targetTlsSchema } from './schema-tls.js';
import { backendMqttSchema } from './schema-backend-mqtt.js';
import {
  bandwidthField,
  countField,
  durationField,
  durationRangeField,
  positiveIntField,
  rateField,
  withDefault,
  withObjectDefault,
  typeError,
} from './schema-fields.js';

const latencyDistSchema = z.strictObject({
  p50: durationField().describe('Median service time, e.g. `2ms`.'),
  p99: durationField().describe('99th percentile service time (at least `p50`), e.g. `12ms`.'),
});

/**
 * A service time: a uniform range (`1ms..5ms`), or `{ p50, p99 }` fitted to a lognormal (what a
 * calibration measures: real service times have a long right tail a range cannot show).
 */
function latencyField(value: string, text: string) {
  return withDefault(
    z.union([durationRangeField(), latencyDistSchema], {
      error: typeError('expected a range such as `1ms..5ms` or `{ p50: 2ms, p99: 12ms }`'),
    }),
    value,
    `${text} A uniform range, or \`{ p50, p99 }\` for a lognormal with that median and 99th percentile.`,
  );
}

const connectSchema = z.strictObject({
  rate: withDefault(rateField(), '1000/s', 'Connections accepted per second (token bucket refill).'),
  burst: positiveIntField()
    .optional()
    .describe(
      'Connections accepted at once after an idle period (bucket size). Default: one second of `rate`.',
    ),
  queue: withDefault(
    countField(),
    10000,
    'Connects waiting beyond this many are refused (MQTT 5 reason 0x9F, connection rate exceeded).',
  ),
  'max-sessions': withDefault(positiveIntField(), 10_000_000, 'Concurrent sessions the broker holds.'),
  latency: latencyField('1ms..5ms', 'Broker processing time of one accepted connect.'),
});

/** Connect capacity the brokers share: rate, burst and queue bound as `connect`'s, for all of them together. */
const sharedSchema = z.strictObject({
  connect: z
    .strictObject({
      rate: rateField().describe('Connects per second all brokers together accept, e.g. `1500/s`.'),
      burst: positiveIntField()
        .optional()
        .describe('Connects all brokers together accept at once after idle. Default: one second of `rate`.'),
      queue: withDefault(
        countField(),
        10000,
        'Connects waiting for the shared capacity beyond this many are refused.',
      ),
    })
    .describe('Connect acceptance shared by every broker.'),
});

function serviceSchema(rate: string, queue: number, latency: string, what: string) {
  return z.strictObject({
    rate: withDefault(rateField(), rate, `${what} handled per second.`),
    queue: withDefault(countField(), queue, `${what} waiting beyond this many are refused.`),
    latency: latencyField(latency, `Processing time of one ${what.toLowerCase()}.`),
  });
}

const otaServerSchema = z.strictObject({
  bandwidth: withDefault(
    bandwidthField(),
    '10Gbit/s',
    'Total firmware download bandwidth, shared by downloads.',
  ),
  'max-concurrent-downloads': withDefault(
    positiveIntField(),
    10000,
    'Downloads served at once; others wait.',
  ),
});

/** The modelled backend's figures: a scenario's `backend:` section, and a calibration file's. */
export const backendSchema = z.strictObject({
  brokers: withDefault(
    positiveIntField(),
    1,
    "Brokers sharing the MQTT load: the connect, ingest and fan-out figures are each broker's, and devices are spread over the brokers by id as live mode spreads them over `target.mqtt` URLs (device i → broker i mod N).",
  ),
  connect: withObjectDefault(connectSchema, 'MQTT connection acceptance.'),
  shared: sharedSchema
    .optional()
    .describe(
      "Capacity every broker draws on together (e.g. brokers on one host sharing its cores): a connect needs its broker's own capacity and this one's, and is answered when the slower of the two lets it through. Absent: the brokers are independent. `fleetstorm calibrate` writes it when several brokers together accept clearly fewer connects than the sum of each alone.",
    ),
  mqtt: backendMqttSchema
    .optional()
    .describe('Sessions beyond the queues: the cost of a session takeover, publishes in flight at a drop.'),
  ingest: withObjectDefault(serviceSchema('50000/s', 100000, '1ms..5ms', 'Publishes'), 'Telemetry ingest.'),
  checkin: withObjectDefault(serviceSchema('2000/s', 10000, '20ms..100ms', 'Check-ins'), 'OTA check-in API.'),
  fanout: withObjectDefault(
    serviceSchema('20000/s', 1000000, '1ms..5ms', 'Command deliveries'),
    "Broker fan-out of operator commands to device sessions (operations' publishes).",
  ),
  registration: withObjectDefault(
    serviceSchema('500/s', 10000, '50ms..200ms', 'Registrations'),
    'Device registration (provisioning) API: first boots of device types with `provisioning`.',
  ),
  ota: withObjectDefault(otaServerSchema, 'Firmware download server.'),
});

/** A scenario's `backend:`: the figures, optionally taken from a calibration file. */
export const scenarioBackendSchema = backendSchema.extend({
  from: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A calibration file written by `fleetstorm calibrate` (path relative to this file): its `backend:` figures are used, and fields written beside `from:` override them.',
    ),
});

export const MQTT_URL_RE = /^(mqtts?|tcp|tls|wss?):\/\/[^\s/]+/;
export const HTTP_URL_RE = /^https?:\/\/[^\s/]+/;

const mqttUrl = () =>
  z.string().regex(MQTT_URL_RE, {
    error: 'expected a URL such as `mqtt://broker:1883`, `mqtts://…` or `wss://broker/mqtt`',
  });
const httpUrl = () =>
  z.string().regex(HTTP_URL_RE, { error: 'expected a URL such as `http://backend:8080`' });

/** A host name as DNS writes it (letters, digits, `-`, dots). */
export const HOST_NAME_RE =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const limitsSchema = z.strictObject({
  connections: positiveIntField()
    .optional()
    .describe(
      'MQTT connections open at once (devices plus the end-to-end subscriber); HTTP connections per origin are capped at this too. A connect past it waits for a free socket.',
    ),
  'connect-rate': rateField()
    .optional()
    .describe('New connections per second (MQTT and HTTP), e.g. `200/s`; a connect past it is delayed.'),
  'publish-rate': rateField().optional().describe('MQTT publishes per second, e.g. `1000/s`.'),
  'request-rate': rateField().optional().describe('HTTP requests per second (check-ins, downloads).'),
  bandwidth: bandwidthField()
    .optional()
    .describe('Bytes per second sent and received (publishes and HTTP bodies), e.g. `10Mbit/s`.'),
});

export const targetSchema = z.strictObject({
  preset: z
    .enum(PRESETS)
    .optional()
    .describe(
      'The platform behind the target: its device conventions (client id, username, topics) are filled in and its documented quotas checked at load time (a breach is refused). Default: generic (nothing).',
    ),
  resolve: z
    .record(
      z.string().meta({ pattern: HOST_NAME_RE.source }), // for editors; checked with a message below
      z.string().refine((v) => isIP(v.replace(/^\[(.*)\]$/, '$1')) !== 0, {
        error: 'expected an IPv4 or IPv6 address such as `10.0.0.7` or `::1`',
      }),
    )
    .superRefine((map, ctx) => {
      for (const name of Object.keys(map)) {
        if (HOST_NAME_RE.test(name)) continue;
        const message = 'expected a host name such as `broker.staging.example`';
        ctx.addIssue({ code: 'custom', message, path: [name], input: name });
      }
    })
    .optional()
    .describe(
      'Host name → address, used instead of DNS (like `--resolve NAME:ADDR`); TLS still checks the name.',
    ),
  limits: limitsSchema
    .optional()
    .describe(
      'Guard rails enforced at the socket layer (operations past a limit are delayed and counted); a plan whose peak exceeds one is refused.',
    ),
  mqtt: z
    .union([mqttUrl(), z.array(mqttUrl()).min(1)], {
      error: typeError('expected an mqtt:// URL or a list of them'),
    })
    .optional()
    .describe('Broker URL(s); devices are spread over them. Default: the embedded backend on loopback.'),
  http: httpUrl()
    .optional()
    .describe('Check-in and firmware download base URL. Default: the embedded backend.'),
  tls: targetTlsSchema
    .optional()
    .describe(
      'TLS for mqtts://, wss:// and https:// targets: CA, server name, client certificate, insecure.',
    ),
});

export const liveSchema = z.strictObject({
  speed: withDefault(
    z.union([z.number().positive(), z.literal('max')], {
      error: typeError('expected a positive number or `max`'),
    }),
    1,
    'Virtual time runs at speed × real time; `max` fires events as fast as possible.',
  ),
  'max-concurrent-connections': withDefault(positiveIntField(), 10000, 'Open sockets per run at most.'),
  processes: withDefault(
    positiveIntField(),
    1,
    'Processes sharing the fleet (past the per-process socket limit).',
  ),
});
