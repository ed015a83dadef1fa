// Decodes the packets a client receives, by hand for the hot ones (acks, PUBLISH), and drives
// the handler. mqtt-packet's parser only reads MQTT 5 CONNACK properties (codec.ts).
import { encodeAck, PACKET, readConnackProperties } from './codec.js';
import { PHASE, type SlotSocket } from './connection-table.js';
import { SOCKET_END, type PoolCore } from './core.js';
import { INFLIGHT } from './inflight.js';
import type { FrameSink } from './frames.js';
import { readProperties } from './publish-properties.js';
import type { PublishProperties, QoS } from './types.js';

export class IncomingDispatcher implements FrameSink {
  /** The socket whose read is being dispatched; a frame stops the loop once it is replaced. */
  current: SlotSocket | undefined = undefined;
  /** When the read being dispatched arrived: the receive time of every frame in it. */
  nowUs = 0;

  constructor(private readonly core: PoolCore) {}

  onFrame(slot: number, data: Buffer, frameStart: number, s: number, e: number): boolean {
    const type = (data[frameStart] as number) >> 4;
    switch (type) {
      case PACKET.puback:
      case PACKET.pubcomp:
        this.onFinalAck(slot, type, data, s, e);
        break;
      case PACKET.pubrec:
        this.onPubrec(slot, data, s, e);
        break;
      case PACKET.publish:
        this.onPublish(slot, data[frameStart] as number, data, s, e);
        break;
      case PACKET.pubrel: // second half of an incoming QoS 2 delivery [MQTT-4.3.3]
        this.core.send(slot, encodeAck(PACKET.pubcomp, readU16(data, s)), this.nowUs);
        break;
      case PACKET.connack:
        this.onConnack(slot, data, frameStart, s, e);
        break;
      case PACKET.suback:
        this.onSuback(slot, data, s, e);
        break;
      case PACKET.disconnect: // MQTT 5 server-initiated DISCONNECT [MQTT-3.14.2-1]
        this.core.closeSlot(slot, 'remote', e > s ? (data[s] as number) : 0, SOCKET_END.destroy);
        break;
      default: // PINGRESP needs nothing beyond lastRecvUs; AUTH and the rest are ignored
        break;
    }
    return this.current !== undefined && this.core.table.sockets[slot] === this.current;
  }

  onProtocolError(slot: number): void {
    this.core.closeSlot(slot, 'error', 0, SOCKET_END.destroy);
  }

  private onConnack(slot: number, data: Buffer, frameStart: number, s: number, e: number): void {
    const { table, handler } = this.core;
    if (table.phase[slot] !== PHASE.connecting || e - s < 2) return this.onProtocolError(slot);
    const code = data[s + 1] as number; // 3.1.1 return code or 5 reason code, both at byte 2
    const latencyUs = this.nowUs - (table.connectIntendedUs[slot] as number);
    if (code !== 0) {
      handler.onConnack(table.ids[slot] as number, false, code, latencyUs, false);
      return this.core.closeSlot(slot, 'refused', code, SOCKET_END.destroy);
    }
    if (this.core.isV5(slot) && e - s > 3) this.applyConnackProperties(slot, data.subarray(frameStart, e));
    table.phase[slot] = PHASE.connected;
    table.connected++;
    const sessionPresent = ((data[s] as number) & 0x01) === 1; // [MQTT-3.2.2-2]
    this.core.sessions.resume(this.core, slot, table.ids[slot] as number, sessionPresent);
    handler.onConnack(table.ids[slot] as number, true, 0, latencyUs, sessionPresent);
  }

  private applyConnackProperties(slot: number, frame: Buffer): void {
    const { table } = this.core;
    const props = readConnackProperties(frame);
    if (props.receiveMaximum > 0 && props.receiveMaximum < (table.window[slot] as number)) {
      table.window[slot] = props.receiveMaximum; // [MQTT-3.3.4-9]
    }
    if (props.serverKeepAliveSec >= 0) table.keepaliveUs[slot] = props.serverKeepAliveSec * 1e6; // [MQTT-3.1.2-21]
  }

  private onFinalAck(slot: number, type: number, data: Buffer, s: number, e: number): void {
    const { inflight, handler, table } = this.core;
    const i = inflight.find(slot, readU16(data, s));
    const expected = type === PACKET.puback ? INFLIGHT.puback : INFLIGHT.pubcomp;
    if (i < 0 || inflight.state[i] !== expected) return; // late ack of a timed-out publish
    const token = inflight.token[i] as number;
    const reason = e - s > 2 ? (data[s + 2] as number) : 0;
    inflight.free(i);
    const id = table.ids[slot] as number;
    if (reason >= 0x80) handler.onPublishFail?.(id, token, 'rejected', reason);
    else handler.onPublishAck(id, token, this.nowUs - (inflight.intendedUs[i] as number));
  }

  private onPubrec(slot: number, data: Buffer, s: number, e: number): void {
    const { inflight, handler, table } = this.core;
    const pid = readU16(data, s);
    const i = inflight.find(slot, pid);
    if (i < 0 || inflight.state[i] !== INFLIGHT.pubrec) return;
    const reason = e - s > 2 ? (data[s + 2] as number) : 0;
    if (reason >= 0x80) {
      const token = inflight.token[i] as number;
      inflight.free(i); // [MQTT-4.3.3-8]: a failed PUBREC ends the exchange
      handler.onPublishFail?.(table.ids[slot] as number, token, 'rejected', reason);
      return;
    }
    inflight.state[i] = INFLIGHT.pubcomp;
    if (inflight.packets.size > 0) inflight.packets.delete(i); // a resend is PUBREL from here on
    this.core.send(slot, encodeAck(PACKET.pubrel, pid), this.nowUs);
  }

  private onSuback(slot: number, data: Buffer, s: number, e: number): void {
    const { inflight, handler, table } = this.core;
    const i = inflight.find(slot, readU16(data, s));
    if (i < 0 || inflight.state[i] !== INFLIGHT.suback) return;
    let p = s + 2;
    if (this.core.isV5(slot)) p = skipProperties(data, p, e);
    const granted = p < e ? (data[p] as number) : 0x80;
    const token = inflight.token[i] as number;
    inflight.free(i);
    handler.onSubAck?.(
      table.ids[slot] as number,
      token,
      granted,
      this.nowUs - (inflight.intendedUs[i] as number),
    );
  }

  private onPublish(slot: number, header: number, data: Buffer, s: number, e: number): void {
    const qosBits = (header >> 1) & 0x03;
    const topicEnd = s + 2 + readU16(data, s);
    if (topicEnd > e || qosBits === 3) return this.onProtocolError(slot); // [MQTT-3.3.1-4]
    const qos = qosBits as QoS;
    const topic = data.toString('utf8', s + 2, topicEnd);
    let p = topicEnd;
    let pid = 0;
    if (qos > 0) {
      pid = readU16(data, p);
      p += 2;
    }
    let props: PublishProperties | undefined;
    if (this.core.isV5(slot)) {
      const propsAt = skipVarint(data, p, e);
      const next = skipProperties(data, p, e);
      if (next > propsAt) props = readProperties(data, propsAt, Math.min(next, e));
      p = next;
    }
    const payload = Buffer.from(data.subarray(Math.min(p, e), e)); // the read buffer is reused
    if (qos === 1) this.core.send(slot, encodeAck(PACKET.puback, pid), this.nowUs);
    else if (qos === 2) this.core.send(slot, encodeAck(PACKET.pubrec, pid), this.nowUs);
    const id = this.core.table.ids[slot] as number;
    if (props === undefined) this.core.handler.onMessage(id, topic, payload, qos);
    else this.core.handler.onMessage(id, topic, payload, qos, props);
  }
}

function readU16(data: Buffer, at: number): number {
  return ((data[at] as number) << 8) | (data[at + 1] as number);
}

/** The offset after a Variable Byte Integer [MQTT-1.5.5]. */
function skipVarint(data: Buffer, at: number, end: number): number {
  let p = at;
  while (p < end && ((data[p++] as number) & 0x80) !== 0);
  return p;
}

/** Skips an MQTT 5 property block (varint length + bytes) [MQTT-2.2.2]. */
function skipProperties(data: Buffer, at: number, end: number): number {
  let length = 0;
  let multiplier = 1;
  let p = at;
  while (p < end) {
    const byte = data[p++] as number;
    length += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) break;
  }
  return p + length;
}
