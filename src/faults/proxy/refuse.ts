// broker-reject at the proxy: while it is on, a new connection never reaches the target. The
// proxy reads the client's first request and answers it itself, as an overloaded backend would:
// MQTT → a refusing CONNACK after the CONNECT (then FIN), HTTP → 503 after the request.
import type net from 'node:net';
import { encodeRefusingConnack } from '../../transports/mqtt/codec.js';

/** What the proxied target speaks: decides how a rejected connection is answered. */
export type ProxyProtocol = 'mqtt' | 'http' | 'tcp';

/** MQTT 5 reason "Connection rate exceeded", as the embedded broker sends under broker-reject. */
const CONNECTION_RATE_EXCEEDED = 0x9f;
const MAX_HEAD_BYTES = 64 * 1024;

const BODY_503 = '{"error":"service unavailable"}\n';
const HTTP_503 = Buffer.from(
  'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(BODY_503)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${BODY_503}`,
);

/**
 * The protocol level of a complete MQTT CONNECT at the start of `buf`, or 0 while more bytes
 * are needed, or -1 when it is not a CONNECT.
 */
export function connectProtocolLevel(buf: Buffer): number {
  if (buf.length === 0) return 0;
  if (buf[0] !== 0x10) return -1;
  let remaining = 0;
  let mult = 1;
  let i = 1;
  for (; ; i++) {
    if (i >= buf.length) return 0;
    if (i > 4) return -1;
    const b = buf[i] as number;
    remaining += (b & 0x7f) * mult;
    mult *= 128;
    if ((b & 0x80) === 0) break;
  }
  const body = i + 1;
  if (buf.length < body + remaining) return 0;
  const nameLen = ((buf[body] as number) << 8) | (buf[body + 1] as number);
  const level = buf[body + 2 + nameLen];
  return level === undefined ? -1 : level;
}

/** Answers one client connection with the protocol's refusal; `onDone` runs once it is closed. */
export function refuseConnection(client: net.Socket, protocol: ProxyProtocol, onDone: () => void): void {
  let head = Buffer.alloc(0);
  let answered = false;
  const finish = (): void => {
    client.removeAllListeners('data');
    onDone();
  };
  client.once('close', finish);
  client.on('error', () => client.destroy());
  if (protocol === 'tcp') return void client.resetAndDestroy();
  client.on('data', (chunk: Buffer) => {
    if (answered) return;
    head = Buffer.concat([head, chunk]);
    const reply = protocol === 'mqtt' ? mqttRefusal(head) : httpRefusal(head);
    if (reply === null && head.length <= MAX_HEAD_BYTES) return;
    answered = true;
    if (reply === null || reply.length === 0) return void client.destroy();
    client.end(reply); // flush, then FIN [MQTT-3.2.2-5]
  });
}

function mqttRefusal(head: Buffer): Buffer | null {
  const level = connectProtocolLevel(head);
  if (level === 0) return null;
  if (level < 0) return Buffer.alloc(0); // not MQTT: just close
  return encodeRefusingConnack(level, CONNECTION_RATE_EXCEEDED);
}

/** 503 once the whole request (head and a Content-Length body) is in. */
function httpRefusal(head: Buffer): Buffer | null {
  const end = head.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head.subarray(0, end).toString('latin1'));
  const bodyBytes = length ? Number(length[1]) : 0;
  return head.length >= end + 4 + bodyBytes ? HTTP_503 : null;
}
