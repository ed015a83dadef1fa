// The client half of a kept MQTT session (clean session / clean start off): QoS 1/2 publishes in
// flight when a connection drops are held, by the caller's id, until the next CONNACK. If the
// broker says the session is present they are sent again with their original packet ids, PUBLISH
// with DUP set, PUBREL for those already PUBREC'd [MQTT-4.4.0-1]; otherwise the session state is
// discarded and they fail as `disconnected` [MQTT-3.2.2-4]. Only dropped in-flight messages cost
// memory here; the packets were encoded for the first send anyway.
import { encodeAck, PACKET } from './codec.js';
import type { PoolCore } from './core.js';
import { INFLIGHT, type InflightState } from './inflight.js';

interface HeldPublish {
  pid: number;
  state: InflightState;
  token: number;
  intendedUs: number;
  /** The PUBLISH as first sent; undefined once PUBREC'd (PUBREL is sent instead). */
  packet: Buffer | undefined;
}

const DUP = 0x08;

export class SessionStore {
  private readonly held = new Map<number, HeldPublish[]>();

  /** Publishes held for reconnects, over all ids. */
  get size(): number {
    let n = 0;
    for (const list of this.held.values()) n += list.length;
    return n;
  }

  /**
   * A kept session's connection ends: its publishes in flight are held for the next CONNACK
   * (subscribes are not resent by the protocol: they fail as before).
   */
  hold(core: PoolCore, slot: number, id: number): void {
    const f = core.inflight;
    if (f.count[slot] === 0) return;
    const list = this.held.get(id) ?? [];
    const base = slot * f.width;
    for (let i = base; i < base + f.width; i++) {
      const state = f.state[i] as InflightState;
      if (state === INFLIGHT.free) continue;
      if (state === INFLIGHT.suback) {
        core.failEntry(i, id, 'disconnected');
        continue;
      }
      list.push({
        pid: f.pid[i] as number,
        state,
        token: f.token[i] as number,
        intendedUs: f.intendedUs[i] as number,
        packet: f.packets.get(i),
      });
      f.free(i);
    }
    if (list.length > 0) this.held.set(id, list);
  }

  /**
   * CONNACK accepted the connection on `slot`: resend what `id` holds when the broker kept the
   * session, else fail it. Runs before the handler hears of the CONNACK.
   */
  resume(core: PoolCore, slot: number, id: number, sessionPresent: boolean): void {
    const list = this.held.get(id);
    if (list === undefined) return;
    this.held.delete(id);
    if (!sessionPresent || core.table.keep[slot] !== 1) return this.failAll(core, id, list);
    const f = core.inflight;
    const now = core.clock();
    for (const h of list) {
      const i = slot * f.width + ((h.pid - 1) % f.width);
      if (f.state[i] !== INFLIGHT.free) {
        core.handler.onPublishFail?.(id, h.token, 'disconnected', 0); // cannot happen: a fresh window
        continue;
      }
      f.restore(i, slot, h.pid, h.state);
      f.token[i] = h.token;
      f.intendedUs[i] = h.intendedUs;
      f.sentUs[i] = now;
      if (h.packet === undefined) {
        core.send(slot, encodeAck(PACKET.pubrel, h.pid), now);
      } else {
        h.packet[0] = (h.packet[0] as number) | DUP; // [MQTT-3.3.1-1]
        f.packets.set(i, h.packet);
        core.send(slot, h.packet, now);
      }
      core.handler.onPublishResent?.(id, h.token);
    }
  }

  /** The caller starts `id` afresh (clean session): what it held is gone. */
  discard(core: PoolCore, id: number): void {
    const list = this.held.get(id);
    if (list === undefined) return;
    this.held.delete(id);
    this.failAll(core, id, list);
  }

  /** The pool closes: every held publish fails. */
  close(core: PoolCore): void {
    for (const [id, list] of [...this.held]) {
      this.held.delete(id);
      this.failAll(core, id, list);
    }
  }

  private failAll(core: PoolCore, id: number, list: readonly HeldPublish[]): void {
    for (const h of list) core.handler.onPublishFail?.(id, h.token, 'disconnected', 0);
  }
}
