import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import {
  encodeAck,
  encodeConnect,
  encodePublish,
  PACKET,
  readConnackProperties,
} from '../../../src/transports/mqtt/codec.js';
import { CLOSED, readFrames, type FrameSink } from '../../../src/transports/mqtt/frames.js';
import { INFLIGHT, InflightTable } from '../../../src/transports/mqtt/inflight.js';
import { parseOne } from '../../helpers/mqtt-packet.js';

describe('encodePublish', () => {
  for (const version of [4, 5] as const) {
    for (const qos of [0, 1, 2] as const) {
      it(`matches mqtt-packet for MQTT ${version} QoS ${qos}`, () => {
        const payload = Buffer.from('x'.repeat(300)); // two-byte Remaining Length
        const mine = encodePublish(
          'fleet/dev-7/telemetry',
          payload,
          qos,
          qos === 0 ? 0 : 4242,
          version === 5,
        );
        const theirs = generate(
          {
            cmd: 'publish',
            topic: 'fleet/dev-7/telemetry',
            payload,
            qos,
            dup: false,
            retain: false,
            messageId: 4242,
          },
          { protocolVersion: version },
        );
        expect(mine.equals(theirs)).toBe(true);
      });
    }
  }

  it('encodes a multi-byte UTF-8 topic by bytes, not characters', () => {
    const packet = parseOne(encodePublish('düsseldorf/°C', Buffer.from([1, 2, 3]), 1, 7, false), 4);
    expect(packet).toMatchObject({ cmd: 'publish', topic: 'düsseldorf/°C', messageId: 7, qos: 1 });
  });
});

describe('encodeAck', () => {
  it('encodes PUBREL with the reserved flags and the others without', () => {
    expect([...encodeAck(PACKET.pubrel, 0x1234)]).toEqual([0x62, 2, 0x12, 0x34]);
    expect([...encodeAck(PACKET.puback, 1)]).toEqual([0x40, 2, 0, 1]);
    expect(parseOne(encodeAck(PACKET.pubcomp, 513), 5)).toMatchObject({ cmd: 'pubcomp', messageId: 513 });
  });
});

describe('encodeConnect', () => {
  it('carries credentials, keepalive, clean flag and will', () => {
    const buf = encodeConnect(
      {
        clientId: 'dev-1',
        username: 'u',
        password: 'p',
        clean: false,
        keepaliveSec: 30,
        will: { topic: 'gone/dev-1', payload: 'bye', qos: 1 },
      },
      4,
    );
    expect(parseOne(buf, 4)).toMatchObject({
      cmd: 'connect',
      clientId: 'dev-1',
      username: 'u',
      clean: false,
      keepalive: 30,
      will: { topic: 'gone/dev-1', qos: 1 },
    });
  });
});

describe('readConnackProperties', () => {
  it('reads Receive Maximum and Server Keep Alive from an MQTT 5 CONNACK', () => {
    const frame = generate(
      {
        cmd: 'connack',
        reasonCode: 0,
        sessionPresent: false,
        properties: { receiveMaximum: 5, serverKeepAlive: 17 },
      },
      { protocolVersion: 5 },
    );
    expect(readConnackProperties(frame)).toEqual({ receiveMaximum: 5, serverKeepAliveSec: 17 });
  });
});

class Collect implements FrameSink {
  frames: number[][] = [];
  errors: string[] = [];
  onFrame(_slot: number, data: Buffer, frameStart: number, _s: number, e: number): boolean {
    this.frames.push([...data.subarray(frameStart, e)]);
    return true;
  }
  onProtocolError(_slot: number, what: string): void {
    this.errors.push(what);
  }
}

describe('readFrames', () => {
  const acks = Buffer.concat([encodeAck(PACKET.puback, 1), encodeAck(PACKET.puback, 2)]);
  const big = encodePublish('t', Buffer.alloc(200, 9), 0, 0, false);

  it('splits several frames of one read', () => {
    const sink = new Collect();
    expect(readFrames(sink, 0, acks, acks.length)).toBeUndefined();
    expect(sink.frames).toEqual([
      [0x40, 2, 0, 1],
      [0x40, 2, 0, 2],
    ]);
  });

  it('carries an incomplete frame over, including a split Remaining Length', () => {
    const all = Buffer.concat([acks, big]);
    for (const cut of [1, 5, 9, 10, 50]) {
      const sink = new Collect();
      const rest = readFrames(sink, 0, all.subarray(0, cut), cut);
      const next =
        rest === undefined || rest === null ? all.subarray(cut) : Buffer.concat([rest, all.subarray(cut)]);
      expect(readFrames(sink, 0, next, next.length)).toBeUndefined();
      expect(sink.frames).toHaveLength(3);
      expect(Buffer.from(sink.frames[2] as number[]).equals(big)).toBe(true);
    }
  });

  it('reports a Remaining Length longer than four bytes', () => {
    const sink = new Collect();
    const bad = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(readFrames(sink, 0, bad, bad.length)).toBe(CLOSED);
    expect(sink.errors).toHaveLength(1);
  });
});

describe('InflightTable', () => {
  it('allocates up to the limit and finds entries by packet id', () => {
    const t = new InflightTable(4);
    t.ensure(2);
    const ids = [0, 1, 2].map(() => t.alloc(1, 3, INFLIGHT.puback));
    expect(ids.every((i) => i >= 4 && i < 8)).toBe(true);
    expect(t.alloc(1, 3, INFLIGHT.puback)).toBe(-1);
    for (const i of ids) expect(t.find(1, t.pid[i] as number)).toBe(i);
    expect(t.find(0, t.pid[ids[0] as number] as number)).toBe(-1);
  });

  it('does not match a late ack once the entry was reused', () => {
    const t = new InflightTable(2);
    t.ensure(1);
    const first = t.alloc(0, 2, INFLIGHT.puback);
    const stalePid = t.pid[first] as number;
    t.free(first);
    const again = t.alloc(0, 2, INFLIGHT.puback);
    expect(again).toBe(first);
    expect(t.pid[again]).not.toBe(stalePid);
    expect(t.find(0, stalePid)).toBe(-1);
  });

  it('keeps packet ids in 1..65535 across wrap-around', () => {
    const t = new InflightTable(64);
    t.ensure(1);
    let outOfRange = 0;
    for (let n = 0; n < 70_000; n++) {
      const i = t.alloc(0, 64, INFLIGHT.puback);
      const pid = t.pid[i] as number;
      if (pid < 1 || pid > 65_535) outOfRange++;
      t.free(i);
    }
    expect(outOfRange).toBe(0);
  });

  it('rejects a window outside 1..64', () => {
    expect(() => new InflightTable(0)).toThrow(RangeError);
    expect(() => new InflightTable(65)).toThrow(RangeError);
  });
});
