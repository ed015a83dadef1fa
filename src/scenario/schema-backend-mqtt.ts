// Schema of `backend.mqtt`: how the modelled broker treats sessions beyond its queues (the cost
// of taking over a kept session, publishes in flight when a session drops). Both are off by
// default, so a scenario without them runs the model as before.
import * as z from 'zod';
import { durationField, durationRangeField, typeError } from './schema-fields.js';

const takeoverSchema = z.union(
  [
    durationRangeField(),
    z.strictObject({
      p50: durationField().describe('Median extra time of a takeover, e.g. `40ms`.'),
      p99: durationField().describe('99th percentile extra time (at least `p50`), e.g. `400ms`.'),
    }),
  ],
  { error: typeError('expected a range such as `20ms..80ms` or `{ p50: 40ms, p99: 400ms }`') },
);

export const backendMqttSchema = z.strictObject({
  'session-takeover': takeoverSchema
    .optional()
    .describe(
      'Extra service time of a connect that takes over a kept session (`clean-session: false`) its device left without DISCONNECT (an outage, a radio drop, a connect it gave up on): the broker ends the old connection and moves the session. A uniform range or `{ p50, p99 }` (lognormal). Default: none.',
    ),
  'track-in-flight': z
    .boolean({ error: typeError('expected true or false') })
    .optional()
    .describe(
      'QoS 1 publishes whose PUBACK would reach the device after its session dropped are in flight, as in live mode: a kept session sends them again after its reconnect (latency from the first send, `mqtt_publish_resent_total`), a clean one loses them (`mqtt_publish_failed_total{reason="disconnected"}`). Default false: a publish counts as acked once the broker takes it.',
    ),
});
