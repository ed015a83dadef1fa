// The proxy's CONNECT sniffing for broker-reject: the protocol level of a complete CONNECT, 0
// while bytes are missing, -1 for anything that is not a CONNECT.
import { describe, expect, it } from 'vitest';
import { connectProtocolLevel } from '../../../src/faults/proxy/refuse.js';
import { encodeConnect } from '../../../src/transports/mqtt/codec.js';

describe('connectProtocolLevel', () => {
  const v4 = encodeConnect({ clientId: 'a', clean: true, keepaliveSec: 60 }, 4);
  const v5 = encodeConnect({ clientId: 'b'.repeat(300), clean: true, keepaliveSec: 60 }, 5);

  it('reads the level of complete CONNECTs (1- and 2-byte remaining lengths)', () => {
    expect(connectProtocolLevel(v4)).toBe(4);
    expect(v5[2]! & 0x80).toBe(0); // 300+ bytes: the remaining length takes two bytes
    expect(v5[1]! & 0x80).toBe(0x80);
    expect(connectProtocolLevel(v5)).toBe(5);
  });

  it('asks for more bytes until the CONNECT is complete', () => {
    for (const cut of [0, 1, 2, v5.length - 1]) expect(connectProtocolLevel(v5.subarray(0, cut))).toBe(0);
  });

  it('says -1 for other packets and garbage', () => {
    expect(connectProtocolLevel(Buffer.from([0xc0, 0x00]))).toBe(-1);
    expect(connectProtocolLevel(Buffer.from('GET / HTTP/1.1\r\n'))).toBe(-1);
    expect(connectProtocolLevel(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(-1);
  });
});
