// AWS IoT Core: device conventions (client id = thing name `{id}`, MQTT over TLS on 8883 with a
// per-device certificate) and the message broker quotas of the default account, checked at load.
import { DEFAULT_CLIENT_ID } from '../schema-identity.js';
import { isConstantTemplate } from '../../identity/template.js';
import type { DeviceType, ResolvedScenario } from '../types.js';
import {
  eachType,
  maxPayloadBytes,
  noQos2,
  speedOf,
  topicFields,
  commandTopicFields,
  typeWhere,
  type Breach,
  type Quota,
} from './quota.js';

const LIMITS = 'https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits';
const TOPICS = 'https://docs.aws.amazon.com/iot/latest/developerguide/topics.html';
const KEEPALIVE = 'https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html';

export const AWS_PUBLISHES_PER_SEC = 100;
export const AWS_BYTES_PER_SEC = 512 * 1024;
export const AWS_PAYLOAD_BYTES = 128 * 1024;
export const AWS_CONNECTS_PER_SEC = 500;
const MAX_SLASHES = 7;
const MAX_KEEPALIVE_SEC = 1200;

/** Publishes and bytes per real second of one device of type `t`. */
export function perConnection(
  t: DeviceType,
  speed: number,
): { publishesPerSec: number; bytesPerSec: number } {
  let publishesPerSec = 0;
  let bytesPerSec = 0;
  for (const st of t.telemetry.streams) {
    const perSec = (speed * 1e6) / st.intervalUs;
    publishesPerSec += perSec;
    bytesPerSec += perSec * st.payloadBytes.max;
  }
  return { publishesPerSec, bytesPerSec };
}

const round = (n: number): string => String(Number(n.toPrecision(4)));

export const AWS_QUOTAS: readonly Quota[] = [
  { name: 'no QoS 2 (QoS 0 and 1 only)', doc: LIMITS, check: noQos2 },
  {
    name: `${AWS_PAYLOAD_BYTES / 1024} KB per message`,
    doc: LIMITS,
    check: (s) =>
      eachType(s, (t) =>
        maxPayloadBytes(t) > AWS_PAYLOAD_BYTES
          ? {
              where: typeWhere(t, 'telemetry.payload'),
              got: `${maxPayloadBytes(t)} bytes`,
              fix: `keep payloads at or below ${AWS_PAYLOAD_BYTES} bytes`,
            }
          : null,
      ),
  },
  {
    name: `${AWS_PUBLISHES_PER_SEC} publishes per second per connection`,
    doc: LIMITS,
    check: (s) =>
      eachType(s, (t) => {
        const { publishesPerSec } = perConnection(t, speedOf(s));
        return publishesPerSec > AWS_PUBLISHES_PER_SEC
          ? {
              where: typeWhere(t, 'telemetry.interval'),
              got: `${round(publishesPerSec)} publishes/s per device (interval at speed ${speedOf(s)})`,
              fix: 'lengthen telemetry.interval or lower --speed',
            }
          : null;
      }),
  },
  {
    name: '512 KiB per second per connection',
    doc: LIMITS,
    check: (s) =>
      eachType(s, (t) => {
        const { bytesPerSec } = perConnection(t, speedOf(s));
        return bytesPerSec > AWS_BYTES_PER_SEC
          ? {
              where: typeWhere(t, 'telemetry.payload'),
              got: `${round(bytesPerSec / 1024)} KiB/s per device`,
              fix: 'send smaller payloads, lengthen telemetry.interval or lower --speed',
            }
          : null;
      }),
  },
  {
    name: '1 CONNECT per second per client id',
    doc: LIMITS,
    check: (s) => eachType(s, (t) => connectsPerClientId(t, s)),
  },
  {
    name: `at most ${MAX_SLASHES} slashes in a topic`,
    doc: TOPICS,
    check: (s) =>
      eachType(s, (t) => {
        const topics = [...topicFields(t), ...commandTopicFields(t)];
        const bad = topics.find((f) => f.topic.split('/').length - 1 > MAX_SLASHES);
        return bad
          ? { where: typeWhere(t, bad.path), got: bad.topic, fix: `use at most ${MAX_SLASHES} slashes` }
          : null;
      }),
  },
  {
    name: `keepalive of at most ${MAX_KEEPALIVE_SEC} s`,
    doc: KEEPALIVE,
    check: (s) =>
      eachType(s, (t) => {
        const sec = Math.round(t.connectivity.keepaliveUs / speedOf(s) / 1e6);
        return sec > MAX_KEEPALIVE_SEC
          ? {
              where: typeWhere(t, 'connectivity.keepalive'),
              got: `${sec} s on the wire`,
              fix: `use a keepalive of at most ${MAX_KEEPALIVE_SEC / 60}m`,
            }
          : null;
      }),
  },
];

/** A shared client id (a template with no device fact) or duty cycles faster than 1/s per device. */
function connectsPerClientId(t: DeviceType, s: ResolvedScenario): Breach | null {
  const where = typeWhere(t, 'connectivity.client-id');
  if (isConstantTemplate(t.connectivity.identity.clientId, where) && fleetCount(s, t) > 1)
    return {
      where,
      got: t.connectivity.identity.clientId,
      fix: 'give each device its own client id, e.g. `{id}`',
    };
  const sessionsPerSec = (speedOf(s) * 1e6) / Math.min(...t.telemetry.streams.map((st) => st.intervalUs));
  if (t.connectivity.mode === 'duty-cycle' && sessionsPerSec > 1)
    return {
      where: typeWhere(t, 'telemetry.interval'),
      got: `a duty-cycled device connects ${round(sessionsPerSec)} times/s`,
      fix: 'lengthen telemetry.interval or lower --speed',
    };
  return null;
}

function fleetCount(s: ResolvedScenario, t: DeviceType): number {
  return s.fleet.filter((g) => g.device === t.name).reduce((n, g) => n + g.count, 0);
}

/** Thing name as client id, unless the type sets its own. */
export function awsConventions(t: DeviceType): DeviceType {
  const id = t.connectivity.identity;
  if (id.clientId !== DEFAULT_CLIENT_ID) return t;
  return { ...t, connectivity: { ...t.connectivity, identity: { ...id, clientId: '{id}' } } };
}

/** MQTT over TLS (mqtts:// or wss://) and a device credential: a certificate or a password. */
export function awsTransport(s: ResolvedScenario): Breach | null {
  const plain = s.target.mqttUrls.find((u) => !/^(mqtts|wss):/i.test(u));
  if (plain !== undefined)
    return {
      where: 'target.mqtt',
      got: plain,
      fix: 'use mqtts://<endpoint>-ats.iot.<region>.amazonaws.com:8883 (AWS IoT Core accepts MQTT over TLS only)',
    };
  const fleetCert = (s.target.tls?.cert ?? null) !== null;
  return eachType(s, (t) =>
    fleetCert || t.connectivity.tls || t.connectivity.identity.password !== null
      ? null
      : {
          where: typeWhere(t, 'connectivity.tls'),
          got: 'no client certificate',
          fix: 'give each device its certificate (connectivity.tls.cert: certs/{id}.pem, key: certs/{id}.key)',
        },
  );
}
