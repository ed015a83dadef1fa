// MQTT wire encoding for the hot path (PUBLISH, acks, PINGREQ) written by hand into one exact-size
// buffer, and mqtt-packet's generator for the rare packets (CONNECT, SUBSCRIBE). Acks use the
// short form valid in both 3.1.1 and 5: a Remaining Length of 2 means reason code 0x00 and no
// properties [MQTT-3.4.2-1].
import {
  generate,
  parser,
  writeToStream,
  type IConnackPacket,
  type IConnectPacket,
  type ISubscribePacket,
  type Packet,
} from 'mqtt-packet';
import { propertiesSize, writeProperties } from './publish-properties.js';
import type { MqttProtocolVersion, PublishProperties, QoS } from './types.js';

export const PACKET = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
  auth: 15,
} as const;

// mqtt-packet's generator otherwise pre-builds 65 536 two-byte Buffers (~6 MB of heap) on first
// use; we only generate CONNECT and SUBSCRIBE with it, so on-the-fly numbers are cheaper.
writeToStream.cacheNumbers = false;

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

export function varintSize(value: number): number {
  return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
}

function writeVarint(buf: Buffer, offset: number, value: number): number {
  let v = value;
  let o = offset;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    buf[o++] = byte;
  } while (v > 0);
  return o;
}

/**
 * One PUBLISH in one buffer. pid is ignored for QoS 0; `props` only on MQTT 5 (dropped on 3.1.1,
 * which has no properties).
 */
export function encodePublish(
  topic: string,
  payload: Uint8Array,
  qos: QoS,
  pid: number,
  v5: boolean,
  dup = false,
  retain = false,
  props?: PublishProperties,
): Buffer {
  const topicBytes = Buffer.byteLength(topic);
  const propsBytes = v5 && props !== undefined ? propertiesSize(props) : 0;
  const propsField = v5 ? varintSize(propsBytes) + propsBytes : 0;
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + propsField + payload.length;
  const buf = Buffer.allocUnsafe(1 + varintSize(remaining) + remaining);
  buf[0] = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0);
  let o = writeVarint(buf, 1, remaining);
  buf[o++] = topicBytes >> 8;
  buf[o++] = topicBytes & 0xff;
  o += buf.write(topic, o, topicBytes, 'utf8');
  if (qos > 0) {
    buf[o++] = pid >> 8;
    buf[o++] = pid & 0xff;
  }
  if (v5) {
    o = writeVarint(buf, o, propsBytes); // property length [MQTT-3.3.2.3]
    if (propsBytes > 0) o = writeProperties(buf, o, props as PublishProperties);
  }
  buf.set(payload, o);
  return buf;
}

/** PUBACK / PUBREC / PUBREL / PUBCOMP with success and no properties. */
export function encodeAck(type: number, pid: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf[0] = (type << 4) | (type === PACKET.pubrel ? 0x02 : 0); // [MQTT-3.6.1-1]
  buf[1] = 2;
  buf[2] = pid >> 8;
  buf[3] = pid & 0xff;
  return buf;
}

/** MQTT 3.1.1 CONNACK return code "Server unavailable" [MQTT-3.2.2.3]. */
const SERVER_UNAVAILABLE = 3;

/**
 * A CONNACK that refuses the connection: MQTT 5 carries `reasonCode`; 3.1.1 has no such code and
 * says "Server unavailable".
 */
export function encodeRefusingConnack(protocolVersion: number, reasonCode: number): Buffer {
  if (protocolVersion === 5) return Buffer.from([0x20, 0x03, 0x00, reasonCode, 0x00]);
  return Buffer.from([0x20, 0x02, 0x00, SERVER_UNAVAILABLE]);
}

export interface ConnectFields {
  clientId: string;
  username?: string | undefined;
  password?: Buffer | string | undefined;
  clean: boolean;
  keepaliveSec: number;
  sessionExpirySec?: number | undefined;
  will?:
    { topic: string; payload: Buffer | string; qos?: QoS; retain?: boolean; delaySec?: number } | undefined;
}

export function encodeConnect(fields: ConnectFields, version: MqttProtocolVersion): Buffer {
  const packet: IConnectPacket = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: version,
    clientId: fields.clientId,
    clean: fields.clean,
    keepalive: fields.keepaliveSec,
  };
  if (fields.username !== undefined) packet.username = fields.username;
  if (fields.password !== undefined) {
    packet.password = typeof fields.password === 'string' ? Buffer.from(fields.password) : fields.password;
  }
  if (fields.will !== undefined) {
    const { topic, payload, qos = 0, retain = false, delaySec = 0 } = fields.will;
    packet.will = { topic, payload, qos, retain };
    // MQTT 5 will delay interval [MQTT-3.1.3.2.2]: the broker waits before publishing the will.
    if (version === 5 && delaySec > 0) packet.will.properties = { willDelayInterval: delaySec };
  }
  if (version === 5 && fields.sessionExpirySec !== undefined) {
    packet.properties = { sessionExpiryInterval: fields.sessionExpirySec };
  }
  return generate(packet, { protocolVersion: version });
}

export function encodeSubscribe(
  topics: readonly string[],
  qos: QoS,
  pid: number,
  version: MqttProtocolVersion,
): Buffer {
  const packet: ISubscribePacket = {
    cmd: 'subscribe',
    messageId: pid,
    subscriptions: topics.map((topic) => ({ topic, qos })),
  };
  return generate(packet, { protocolVersion: version });
}

/** Properties of an MQTT 5 CONNACK that change client behaviour. */
export interface ConnackProperties {
  receiveMaximum: number;
  serverKeepAliveSec: number;
}

const v5Parser = parser({ protocolVersion: 5 });
let lastConnack: IConnackPacket | null = null;
v5Parser.on('packet', (packet: Packet) => {
  if (packet.cmd === 'connack') lastConnack = packet;
});
v5Parser.on('error', () => {
  lastConnack = null;
});

/**
 * Reads an MQTT 5 CONNACK's properties with mqtt-packet's parser. The frame is complete, so one
 * shared parser serves every connection: parse() emits synchronously and leaves no state.
 * Returns -1 fields when absent.
 */
export function readConnackProperties(frame: Buffer): ConnackProperties {
  lastConnack = null;
  v5Parser.parse(frame);
  const props = (lastConnack as IConnackPacket | null)?.properties;
  return { receiveMaximum: props?.receiveMaximum ?? -1, serverKeepAliveSec: props?.serverKeepAlive ?? -1 };
}
