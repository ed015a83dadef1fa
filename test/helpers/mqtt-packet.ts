// mqtt-packet as an independent reader of the frames our codec writes: exactly one packet per
// buffer, a parse error thrown.
import { parser, type Packet } from 'mqtt-packet';
import { expect } from 'vitest';

export function parseOne(buf: Buffer, protocolVersion: 4 | 5): Packet {
  const p = parser({ protocolVersion });
  const packets: Packet[] = [];
  p.on('packet', (packet: Packet) => packets.push(packet));
  p.on('error', (err: Error) => {
    throw err;
  });
  p.parse(buf);
  expect(packets).toHaveLength(1);
  return packets[0] as Packet;
}
