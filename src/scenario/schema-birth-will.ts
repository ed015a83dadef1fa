// Schema of a device's birth and Last Will messages (`connectivity.birth`, `connectivity.will`):
// topic and payload are device-fact templates (src/identity/template.ts), checked at load time.
// Birth is published right after each CONNACK; the will travels in CONNECT and the broker
// publishes it when the device dies without DISCONNECT (power loss, radio drop, half-open link).
import * as z from 'zod';
import { durationField, typeError, withDefault } from './schema-fields.js';

const qosField = (what: string) =>
  withDefault(
    z.literal([0, 1, 2], { error: typeError('expected 0, 1 or 2') }),
    1,
    `MQTT QoS of the ${what}.`,
  );

const birthSchema = z.strictObject({
  topic: z.string().min(1).describe('Topic template, e.g. `devices/{id}/status`.'),
  payload: withDefault(
    z.string(),
    'online',
    'Payload text (a device template), e.g. `{{"id":"{id}","online":true}}` (write `{{` and `}}` for literal braces).',
  ),
  qos: qosField('birth message'),
  retain: withDefault(
    z.boolean(),
    false,
    'Publish the birth message retained: a later subscriber sees the last one per topic.',
  ),
});

const willSchema = z.strictObject({
  topic: z.string().min(1).describe('Topic template, e.g. `devices/{id}/status`.'),
  payload: withDefault(z.string(), 'offline', 'Payload text (a device template).'),
  qos: qosField('will message'),
  retain: withDefault(z.boolean(), false, 'The broker publishes the will retained.'),
  delay: withDefault(
    durationField(),
    '0s',
    'MQTT 5 will delay interval (real time, as the broker counts it): the broker waits this long before publishing the will; protocol 3.1.1 has none.',
  ),
});

export const birthWillShape = {
  birth: birthSchema
    .optional()
    .describe('Live mode: a birth (online) message published right after each CONNACK.'),
  will: willSchema
    .optional()
    .describe(
      'Live mode: the Last Will sent in CONNECT; the broker publishes it when the device dies without DISCONNECT (power loss, radio drop, half-open link), not on a clean duty-cycle disconnect.',
    ),
};
