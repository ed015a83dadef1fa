// A kept session (clean session off) resends its QoS 1/2 publishes that were in flight when the
// connection dropped, with DUP and their packet ids, once the broker says the session is
// present; each is then acknowledged exactly once and never fails. An in-process aedes whose
// authorizePublish hook holds the acks while `stalled` stands in for a broker that went quiet.
import net from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttConnectionPool } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from './mqtt-harness.js';

interface StallingBroker {
  url: string;
  stalled: boolean;
  /** authorizePublish calls seen, and the DUP flags they carried. */
  seen: { dup: boolean; qos: number }[];
  close(): Promise<void>;
}

async function stallingBroker(): Promise<StallingBroker> {
  const state = { stalled: false, seen: [] as { dup: boolean; qos: number }[] };
  const broker = await Aedes.createBroker({
    authorizePublish(_client, packet, callback) {
      state.seen.push({ dup: packet.dup, qos: packet.qos });
      if (!state.stalled) callback(null); // while stalled: no PUBACK/PUBREC, ever
    },
  });
  const server = net.createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return Object.assign(state, {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      server.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  });
}

/** Polls a broker-side condition (the handler's `until` wakes only on client callbacks). */
async function brokerSaw(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('kept sessions resend what was in flight at a drop', () => {
  let broker: StallingBroker | null = null;
  let pool: MqttConnectionPool | null = null;
  afterEach(async () => {
    pool?.close();
    pool = null;
    await broker?.close();
    broker = null;
  });

  async function dropWithInflight(clean: boolean): Promise<{ h: RecordingHandler; b: StallingBroker }> {
    const b = await stallingBroker();
    broker = b;
    const h = new RecordingHandler();
    const p = new MqttConnectionPool({ handler: h });
    pool = p;
    const opts = { clientId: `resend-${clean ? 'clean' : 'kept'}`, clean };
    p.connect(1, b.url, opts);
    await h.until(() => h.connacks.length === 1, 5000, 'first CONNACK');
    // aedes reports a session present only when it holds the client's subscriptions.
    p.subscribe(1, 'fleet/commands', 1, 100);
    await h.until(() => h.subacks.length === 1, 5000, 'SUBACK');
    b.stalled = true;
    for (let token = 0; token < 4; token++) p.publish(1, 'fleet/a', Buffer.from(`m${token}`), 1, token);
    for (let token = 4; token < 6; token++) p.publish(1, 'fleet/b', Buffer.from(`m${token}`), 2, token);
    await brokerSaw(() => b.seen.length === 6, 'the broker to see every publish');
    p.destroy(1); // the link drops with six publishes unacknowledged
    b.stalled = false;
    p.connect(1, b.url, opts);
    await h.until(() => h.connacks.length === 2, 5000, 'second CONNACK');
    return { h, b };
  }

  it('sends them again with DUP when the session is present, and each is acknowledged once', async () => {
    const { h, b } = await dropWithInflight(false);
    await h.until(() => h.acks.length === 6, 5000, 'six acks');
    expect(h.connacks[1]).toMatchObject({ ok: true, sessionPresent: true });
    expect(h.resent.map((r) => r.token).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.acks.map((a) => a.token).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.fails).toEqual([]);
    expect(b.seen.slice(6).every((s) => s.dup)).toBe(true);
    expect(b.seen.slice(0, 6).some((s) => s.dup)).toBe(false);
    expect(pool?.inFlight(1)).toBe(0);
  });

  it('fails them as disconnected with a clean session, and sends nothing again', async () => {
    const { h, b } = await dropWithInflight(true);
    expect(h.connacks[1]).toMatchObject({ ok: true, sessionPresent: false });
    expect(h.fails.map((f) => [f.token, f.reason])).toEqual(
      [0, 1, 2, 3, 4, 5].map((t) => [t, 'disconnected']),
    );
    expect(h.resent).toEqual([]);
    expect(h.acks).toEqual([]);
    expect(b.seen).toHaveLength(6);
  });

  it('fails what it holds when the pool closes before a reconnect', async () => {
    const b = await stallingBroker();
    broker = b;
    const h = new RecordingHandler();
    const p = new MqttConnectionPool({ handler: h });
    p.connect(3, b.url, { clientId: 'resend-closing', clean: false });
    await h.until(() => h.connacks.length === 1, 5000, 'CONNACK');
    b.stalled = true;
    p.publish(3, 'fleet/c', Buffer.from('x'), 1, 9);
    await brokerSaw(() => b.seen.length === 1, 'the publish');
    p.destroy(3);
    expect(h.fails).toEqual([]);
    p.close();
    expect(h.fails).toEqual([{ id: 3, token: 9, reason: 'disconnected', code: 0 }]);
  });
});
