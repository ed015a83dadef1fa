// Azure IoT Hub: device conventions (client id = device id `{id}`, username
// `{hub}/{id}/?api-version=2021-04-12` with a SAS token as password, telemetry on
// `devices/{id}/messages/events/`) and its MQTT restrictions, checked at load.
import { DEFAULT_CLIENT_ID } from '../schema-identity.js';
import type { DeviceType } from '../types.js';
import {
  eachType,
  maxPayloadBytes,
  noQos2,
  streamPath,
  topicFields,
  typeWhere,
  type Breach,
  type Quota,
} from './quota.js';

const MQTT = 'https://learn.microsoft.com/azure/iot-hub/iot-hub-mqtt-support';
const QUOTAS = 'https://learn.microsoft.com/azure/iot-hub/iot-hub-devguide-quotas-throttling';
export const AZURE_EVENTS_TOPIC = 'devices/{id}/messages/events/';
export const AZURE_API_VERSION = '2021-04-12';
const AZURE_PAYLOAD_BYTES = 256 * 1024;

export const AZURE_QUOTAS: readonly Quota[] = [
  { name: 'no QoS 2 (QoS 0 and 1 only)', doc: MQTT, check: noQos2 },
  {
    name: 'no retained messages',
    doc: MQTT,
    check: (s) => eachType(s, retained),
  },
  {
    name: 'client id = device id',
    doc: MQTT,
    check: (s) =>
      eachType(s, (t) =>
        t.connectivity.identity.clientId === '{id}'
          ? null
          : {
              where: typeWhere(t, 'connectivity.client-id'),
              got: t.connectivity.identity.clientId,
              fix: 'leave client-id out (the preset uses `{id}`, the device id)',
            },
      ),
  },
  {
    name: `device-to-cloud messages (telemetry, birth, will) on ${AZURE_EVENTS_TOPIC}`,
    doc: MQTT,
    check: (s) =>
      eachType(s, (t) => {
        const bad = topicFields(t).find((f) => !f.topic.startsWith(AZURE_EVENTS_TOPIC));
        return bad
          ? {
              where: typeWhere(t, bad.path),
              got: bad.topic,
              fix: `publish under ${AZURE_EVENTS_TOPIC} (properties may follow, e.g. ${AZURE_EVENTS_TOPIC}kind=status)`,
            }
          : null;
      }),
  },
  {
    name: `${AZURE_PAYLOAD_BYTES / 1024} KB per device-to-cloud message`,
    doc: QUOTAS,
    check: (s) =>
      eachType(s, (t) =>
        maxPayloadBytes(t) > AZURE_PAYLOAD_BYTES
          ? {
              where: typeWhere(t, 'telemetry.payload'),
              got: `${maxPayloadBytes(t)} bytes`,
              fix: `keep payloads at or below ${AZURE_PAYLOAD_BYTES} bytes`,
            }
          : null,
      ),
  },
];

/** Device id as client id; the IoT Hub username when the password is a SAS token. */
export function azureConventions(t: DeviceType): DeviceType {
  const id = t.connectivity.identity;
  const clientId = id.clientId === DEFAULT_CLIENT_ID ? '{id}' : id.clientId;
  const username =
    id.username ?? (id.password?.kind === 'sas' ? `{hub}/{id}/?api-version=${AZURE_API_VERSION}` : null);
  // Telemetry without a topic goes where IoT Hub takes device-to-cloud messages.
  const streams = t.telemetry.streams.map((st) =>
    st.topic === null ? { ...st, topic: AZURE_EVENTS_TOPIC } : st,
  );
  const topic = t.telemetry.topic ?? AZURE_EVENTS_TOPIC;
  return {
    ...t,
    connectivity: { ...t.connectivity, identity: { ...id, clientId, username } },
    telemetry: { ...t.telemetry, topic, streams },
  };
}

/** The first retained message a device type sends (telemetry stream, birth, will). */
function retained(t: DeviceType): Breach | null {
  const fields = [
    ...t.telemetry.streams.map((st, i) => ({ path: streamPath(t, i, 'retain'), on: st.retain })),
    { path: 'connectivity.birth.retain', on: t.connectivity.birth?.retain ?? false },
    { path: 'connectivity.will.retain', on: t.connectivity.will?.retain ?? false },
  ];
  const bad = fields.find((f) => f.on);
  return bad ? { where: typeWhere(t, bad.path), got: 'true', fix: 'set retain: false' } : null;
}
