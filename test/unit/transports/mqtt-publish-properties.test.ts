// MQTT 5 PUBLISH properties: our hand-written encoder against mqtt-packet's generator and parser,
// and our reader against frames mqtt-packet generated.
import fc from 'fast-check';
import { generate, type IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { encodePublish } from '../../../src/transports/mqtt/codec.js';
import { readProperties } from '../../../src/transports/mqtt/publish-properties.js';
import type { PublishProperties } from '../../../src/transports/mqtt/index.js';
import { parseOne } from '../../helpers/mqtt-packet.js';

const correlation = Buffer.from([0, 1, 2, 0xfe, 0xff]);

describe('encodePublish with MQTT 5 properties', () => {
  it('is byte-identical to mqtt-packet for expiry, response topic, correlation data, content type', () => {
    const payload = Buffer.from('{"t":21.5}');
    const mine = encodePublish('cmd/dev-1', payload, 1, 99, true, false, false, {
      messageExpirySec: 3600,
      contentType: 'application/json',
      responseTopic: 'replies/dev-1',
      correlationData: correlation,
    });
    const theirs = generate(
      {
        cmd: 'publish',
        topic: 'cmd/dev-1',
        payload,
        qos: 1,
        dup: false,
        retain: false,
        messageId: 99,
        properties: {
          messageExpiryInterval: 3600,
          contentType: 'application/json',
          responseTopic: 'replies/dev-1',
          correlationData: correlation,
        },
      },
      { protocolVersion: 5 },
    );
    expect(mine.equals(theirs)).toBe(true);
  });

  it('writes user properties in order, repeated names included, and multi-byte UTF-8 by bytes', () => {
    const mine = encodePublish('t/ü', Buffer.from('x'.repeat(200)), 0, 0, true, false, true, {
      userProperties: [
        ['fs-seq', '17'],
        ['site', 'Düsseldorf °C'],
        ['site', 'second'],
      ],
    });
    const packet = parseOne(mine, 5) as IPublishPacket;
    expect(packet).toMatchObject({ topic: 't/ü', qos: 0, retain: true });
    expect(packet.payload.toString()).toBe('x'.repeat(200));
    expect(packet.properties?.userProperties).toEqual({ 'fs-seq': '17', site: ['Düsseldorf °C', 'second'] });
  });

  it('writes an empty property block when props is undefined or empty, and none on 3.1.1', () => {
    const plain = encodePublish('a', Buffer.from('p'), 0, 0, true);
    expect(encodePublish('a', Buffer.from('p'), 0, 0, true, false, false, {}).equals(plain)).toBe(true);
    const v4 = encodePublish('a', Buffer.from('p'), 0, 0, false, false, false, { messageExpirySec: 5 });
    expect(v4.equals(encodePublish('a', Buffer.from('p'), 0, 0, false))).toBe(true);
  });
});

describe('readProperties', () => {
  it('reads what mqtt-packet wrote, skipping payload format and subscription identifier', () => {
    const frame = generate(
      {
        cmd: 'publish',
        topic: 'x',
        payload: Buffer.from('p'),
        qos: 0,
        dup: false,
        retain: false,
        properties: {
          payloadFormatIndicator: true,
          messageExpiryInterval: 70_000,
          responseTopic: 'r/1',
          correlationData: correlation,
          subscriptionIdentifier: 300,
          userProperties: { a: '1', b: ['2', '3'] },
          contentType: 'application/cbor',
        },
      },
      { protocolVersion: 5 },
    );
    // fixed header (2) + topic (3); then the property length varint
    const lengthAt = 5;
    const length = frame[lengthAt] as number;
    const props = readProperties(frame, lengthAt + 1, lengthAt + 1 + length);
    expect(props.messageExpirySec).toBe(70_000);
    expect(props.responseTopic).toBe('r/1');
    expect(Buffer.from(props.correlationData ?? []).equals(correlation)).toBe(true);
    expect(props.contentType).toBe('application/cbor');
    expect(props.userProperties).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['b', '3'],
    ]);
  });

  it('stops at a truncated user property and keeps what came before', () => {
    const full = encodePublish('t', Buffer.alloc(0), 0, 0, true, false, false, {
      messageExpirySec: 9,
      userProperties: [['name', 'value']],
    });
    const start = 2 + 3 + 1; // header, topic, property length
    const props = readProperties(full, start, full.length - 2);
    expect(props).toEqual({ messageExpirySec: 9 });
  });
});

describe('PUBLISH properties round trip', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 40 });
  const props: fc.Arbitrary<PublishProperties> = fc.record(
    {
      messageExpirySec: fc.integer({ min: 0, max: 0xffff_ffff }),
      responseTopic: text,
      correlationData: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      contentType: text,
      userProperties: fc.array(fc.tuple(text, text), { maxLength: 12 }),
    },
    { requiredKeys: [] },
  );

  it('reads back what it wrote, for any properties, topic and payload', () => {
    fc.assert(
      fc.property(
        props,
        text,
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(0, 1, 2),
        (p, topic, body, qos) => {
          const frame = encodePublish(topic, body, qos as 0 | 1 | 2, 77, true, false, false, p);
          const parsed = parseOne(frame, 5) as IPublishPacket; // mqtt-packet agrees it is a valid PUBLISH
          expect(Buffer.from(parsed.payload).equals(Buffer.from(body))).toBe(true);
          // header, Remaining Length, topic, packet id: then the property block
          let at = 1;
          while (((frame[at] as number) & 0x80) !== 0) at++;
          at += 1 + 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0);
          let length = 0;
          let shift = 1;
          for (;;) {
            const byte = frame[at++] as number;
            length += (byte & 0x7f) * shift;
            shift *= 128;
            if ((byte & 0x80) === 0) break;
          }
          const back = readProperties(frame, at, at + length);
          const expected = Object.fromEntries(
            Object.entries(p).filter(([k, v]) => !(k === 'userProperties' && (v as unknown[]).length === 0)),
          );
          expect({
            ...back,
            correlationData: back.correlationData && Buffer.from(back.correlationData),
          }).toEqual({
            ...expected,
            correlationData: p.correlationData && Buffer.from(p.correlationData),
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
