// MQTT 5 PUBLISH properties [MQTT-3.3.2.3], written by hand straight into the PUBLISH buffer and
// read by hand from an incoming one. A PUBLISH without properties costs nothing here: the writer
// is not called and the reader is only called for a non-empty property block.
import type { PublishProperties } from './types.js';

/** Property identifiers [MQTT-2.2.2.2] a PUBLISH may carry. */
export const PROPERTY = {
  payloadFormat: 0x01,
  messageExpiry: 0x02,
  contentType: 0x03,
  responseTopic: 0x08,
  correlationData: 0x09,
  subscriptionIdentifier: 0x0b,
  topicAlias: 0x23,
  userProperty: 0x26,
} as const;

/** Bytes of the property block's content (without its own length varint). */
export function propertiesSize(props: PublishProperties): number {
  let size = 0;
  if (props.messageExpirySec !== undefined) size += 5;
  if (props.contentType !== undefined) size += 3 + Buffer.byteLength(props.contentType);
  if (props.responseTopic !== undefined) size += 3 + Buffer.byteLength(props.responseTopic);
  if (props.correlationData !== undefined) size += 3 + props.correlationData.length;
  const user = props.userProperties;
  if (user !== undefined) {
    for (let i = 0; i < user.length; i++) {
      const pair = user[i] as readonly [string, string];
      size += 5 + Buffer.byteLength(pair[0]) + Buffer.byteLength(pair[1]);
    }
  }
  return size;
}

/** Writes the property block content at `o` (its length varint is the caller's); returns the end. */
export function writeProperties(buf: Buffer, offset: number, props: PublishProperties): number {
  let o = offset;
  if (props.messageExpirySec !== undefined) {
    buf[o++] = PROPERTY.messageExpiry;
    buf.writeUInt32BE(props.messageExpirySec >>> 0, o);
    o += 4;
  }
  if (props.contentType !== undefined)
    o = writeString(buf, writeId(buf, o, PROPERTY.contentType), props.contentType);
  if (props.responseTopic !== undefined) {
    o = writeString(buf, writeId(buf, o, PROPERTY.responseTopic), props.responseTopic);
  }
  if (props.correlationData !== undefined) {
    const data = props.correlationData;
    o = writeId(buf, o, PROPERTY.correlationData);
    buf[o++] = data.length >> 8;
    buf[o++] = data.length & 0xff;
    buf.set(data, o);
    o += data.length;
  }
  const user = props.userProperties;
  if (user !== undefined) {
    for (let i = 0; i < user.length; i++) {
      const pair = user[i] as readonly [string, string];
      o = writeString(buf, writeId(buf, o, PROPERTY.userProperty), pair[0]);
      o = writeString(buf, o, pair[1]);
    }
  }
  return o;
}

function writeId(buf: Buffer, o: number, id: number): number {
  buf[o] = id;
  return o + 1;
}

function writeString(buf: Buffer, offset: number, text: string): number {
  const bytes = buf.write(text, offset + 2, 'utf8');
  buf[offset] = bytes >> 8;
  buf[offset + 1] = bytes & 0xff;
  return offset + 2 + bytes;
}

/**
 * Reads the property block content data[start, end) of an incoming PUBLISH. Unknown or malformed
 * properties end the read with what was decoded so far (the payload is still delivered).
 */
export function readProperties(data: Buffer, start: number, end: number): PublishProperties {
  const props: {
    messageExpirySec?: number;
    contentType?: string;
    responseTopic?: string;
    correlationData?: Uint8Array;
    userProperties?: (readonly [string, string])[];
  } = {};
  let p = start;
  while (p < end) {
    const id = data[p++] as number;
    switch (id) {
      case PROPERTY.payloadFormat:
        p += 1;
        break;
      case PROPERTY.messageExpiry:
        if (p + 4 > end) return props;
        props.messageExpirySec = data.readUInt32BE(p);
        p += 4;
        break;
      case PROPERTY.topicAlias:
        p += 2;
        break;
      case PROPERTY.subscriptionIdentifier:
        while (p < end && ((data[p++] as number) & 0x80) !== 0);
        break;
      case PROPERTY.contentType:
      case PROPERTY.responseTopic:
      case PROPERTY.correlationData: {
        const length = readU16(data, p);
        if (p + 2 + length > end) return props;
        if (id === PROPERTY.correlationData)
          props.correlationData = Buffer.from(data.subarray(p + 2, p + 2 + length));
        else if (id === PROPERTY.contentType)
          props.contentType = data.toString('utf8', p + 2, p + 2 + length);
        else props.responseTopic = data.toString('utf8', p + 2, p + 2 + length);
        p += 2 + length;
        break;
      }
      case PROPERTY.userProperty: {
        const nameLength = readU16(data, p);
        const valueAt = p + 2 + nameLength;
        if (valueAt + 2 > end) return props;
        const valueLength = readU16(data, valueAt);
        if (valueAt + 2 + valueLength > end) return props;
        const pair = [
          data.toString('utf8', p + 2, valueAt),
          data.toString('utf8', valueAt + 2, valueAt + 2 + valueLength),
        ] as const;
        (props.userProperties ??= []).push(pair);
        p = valueAt + 2 + valueLength;
        break;
      }
      default:
        return props; // not a PUBLISH property [MQTT-3.3.2.3]: the rest cannot be framed
    }
  }
  return props;
}

function readU16(data: Buffer, at: number): number {
  return ((data[at] as number) << 8) | (data[at + 1] as number);
}
