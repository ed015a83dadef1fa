// The end-to-end measurement fields fleetstorm adds to templated telemetry on MQTT 5: the
// intended send time and the per-device sequence travel as user properties, so any payload
// (JSON, text, CBOR, bytes) stays the user's own and is still measurable. On 3.1.1 the payload
// template carries them instead (`{ fleetstorm: sent-at }`, `{ fleetstorm: seq }`).

/** User property names with this prefix are fleetstorm's; a scenario may not define them. */
export const MEASUREMENT_PREFIX = 'fleetstorm-';

export const MEASUREMENT_PROPERTY = {
  /** Intended send time: real µs on the run's monotonic clock (the subscriber shares it). */
  sentAt: 'fleetstorm-sent-us',
  /** The device's publish sequence on this stream, 1 for its first. */
  seq: 'fleetstorm-seq',
  /** `<device index>.<stream>`: whose sequence it is (topics need not name the device). */
  stream: 'fleetstorm-stream',
} as const;
