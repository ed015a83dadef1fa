// Schema of `telemetry`: one stream written inline (the shorthand) or a list of `streams`, each
// with its own interval, topic template and payload (a size, or a JSON / text template whose
// generators src/payload compiles at load time).
import * as z from 'zod';
import {
  durationField,
  positiveIntField,
  rateField,
  sizeRangeField,
  typeError,
  withDefault,
} from './schema-fields.js';

const qosField = z.literal([0, 1, 2], { error: typeError('expected 0, 1 or 2') });

const templateSchema = z.union([
  z
    .strictObject({
      json: z
        .unknown()
        .describe('A JSON value whose leaves may be generators (`{ normal: { mean: 21, stddev: 2 } }`).'),
    })
    .describe('A JSON payload template.'),
  z
    .strictObject({
      cbor: z
        .unknown()
        .describe(
          'A CBOR payload template: a value like `json:` (maps, lists, generators), sent as CBOR bytes.',
        ),
    })
    .describe('A CBOR payload template.'),
  z
    .strictObject({
      text: z.string().describe('Text with `{name}` placeholders: a field below or a device fact.'),
      fields: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Named generators the text places (`temp: { uniform: { min: 0, max: 40 } }`).'),
    })
    .describe('A text payload template.'),
]);

const payloadField = z.union([sizeRangeField(), templateSchema]);

const topicField = z
  .string()
  .min(1)
  .describe(
    'Topic template (`devices/{id}/telemetry`); default: fleetstorm/<run>/telemetry/<broker>/<device>.',
  );

const userPropertiesField = z
  .record(z.string().min(1), z.string())
  .describe(
    'MQTT 5 user properties on every publish: name → template over device facts (`site: "{type}"`, `dev: "{id}"`); MQTT 5 devices only.',
  );

const messageExpiryField = durationField().describe(
  'MQTT 5 message expiry: the broker drops a message not delivered within this time (`10m`); MQTT 5 devices only.',
);

/** One stream of `telemetry.streams`: unset fields take the `telemetry` values. */
const streamSchema = z.strictObject({
  interval: durationField().optional().describe('Time between two publishes of this stream.'),
  jitter: durationField().optional().describe('Each interval is drawn from interval ± jitter.'),
  topic: topicField.optional(),
  qos: qosField.optional().describe('MQTT QoS of this stream.'),
  retain: z.boolean().optional().describe('Publish retained (live mode).'),
  payload: payloadField
    .optional()
    .describe('A size (`40B..400B`) or a template (`json:` / `cbor:` / `text:`).'),
  'user-properties': userPropertiesField.optional(),
  'message-expiry': messageExpiryField.optional(),
});

export const MAX_STREAMS = 8;

/** A device's buffered count is a u32 slot; ten million readings is already a year at 3 s. */
export const MAX_BUFFER_READINGS = 10_000_000;

const bufferSchema = z.strictObject({
  capacity: withDefault(
    positiveIntField().max(MAX_BUFFER_READINGS),
    500,
    'Readings the device keeps while offline.',
  ),
  'when-full': withDefault(
    z.enum(['drop-oldest', 'drop-newest']),
    'drop-oldest',
    'A full buffer drops its oldest reading for the new one, or drops the new one.',
  ),
  'flush-rate': withDefault(rateField(), '50/s', 'Buffered readings published per second after a reconnect.'),
});

const atItem = z.string().min(1);

export const telemetrySchema = z.strictObject({
  interval: withDefault(durationField(), '15m', 'Time between two telemetry publishes.'),
  jitter: withDefault(durationField(), '0s', 'Each interval is drawn from interval ± jitter.'),
  payload: withDefault(
    payloadField,
    '200B',
    'Payload: a size drawn per publish (`40B..400B`), or a template (`json:` / `cbor:` / `text:` with generators).',
  ),
  qos: withDefault(qosField, 1, 'MQTT QoS of telemetry.'),
  retain: withDefault(
    z.boolean(),
    false,
    'Live mode: publish retained (the broker keeps the last message per topic).',
  ),
  topic: topicField.optional(),
  'user-properties': userPropertiesField.optional(),
  'message-expiry': messageExpiryField.optional(),
  buffer: bufferSchema
    .optional()
    .describe(
      'Offline buffer: readings due while the device is not connected are kept (up to `capacity`) and flushed on reconnect at `flush-rate`. Default: none (lost).',
    ),
  at: z
    .union([atItem, z.array(atItem).min(1)])
    .optional()
    .describe(
      'Readings at wall-clock times of the device clock instead of every `interval`: `:00` or `*:00` (every hour at minute 0), `06:30` (every day), or a list; `jitter` then delays each by 0..jitter.',
    ),
  cron: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Like `at`, in cron syntax (`0 * * * *`, `*/15 8 * * *`): minute and hour are `*`, a number, `*/n` or a comma list; the other three fields must be `*`.',
    ),
  streams: z
    .array(streamSchema)
    .min(1)
    .max(MAX_STREAMS)
    .optional()
    .describe('Several telemetry streams, each on its own schedule; the fields above are their defaults.'),
});

export type TelemetryParsed = z.output<typeof telemetrySchema>;
export type PayloadParsed = TelemetryParsed['payload'];
