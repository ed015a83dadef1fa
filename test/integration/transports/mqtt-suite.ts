// The lean client's behaviour, run against every real broker we support (embedded aedes and
// Debian mosquitto): the same assertions, so neither broker's quirks hide a client bug.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MqttConnectionPool,
  PUBLISH_RESULT,
  type MqttPoolOptions,
  type QoS,
} from '../../../src/transports/mqtt/index.js';
import { countingSubscriber, RecordingHandler, sleep } from './mqtt-harness.js';

export interface BrokerUnderTest {
  url: string;
  stop(): Promise<void>;
}

interface Ctx {
  broker: BrokerUnderTest;
  cleanups: (() => Promise<void> | void)[];
}

export function mqttClientSuite(start: () => Promise<BrokerUnderTest>, versions: readonly (4 | 5)[]): void {
  const ctx = { cleanups: [] } as unknown as Ctx;
  beforeEach(async () => {
    ctx.cleanups = [];
    ctx.broker = await start();
  });
  afterEach(async () => {
    for (const c of ctx.cleanups.reverse()) await c();
    await ctx.broker.stop();
  });

  for (const version of versions) {
    const open = (
      extra: Partial<MqttPoolOptions> = {},
    ): { pool: MqttConnectionPool; h: RecordingHandler } => {
      const h = new RecordingHandler();
      const pool = new MqttConnectionPool({ handler: h, protocolVersion: version, ...extra });
      ctx.cleanups.push(() => pool.close());
      return { pool, h };
    };
    const subscribe = async (topic: string): Promise<{ topic: string; payload: string }[]> => {
      const sub = await countingSubscriber(ctx.broker.url, topic);
      ctx.cleanups.push(() => sub.close());
      return sub.received;
    };

    describe(`MQTT ${version === 4 ? '3.1.1' : '5'}`, () => {
      it('connects, reports CONNACK latency, and disconnects cleanly', async () => {
        const { pool, h } = open();
        pool.connect(7, ctx.broker.url, { clientId: `c7-v${version}`, keepaliveSec: 30 });
        expect(pool.size).toBe(1);
        await h.until(() => h.connacks.length === 1, 5000, 'CONNACK');
        expect(h.connacks[0]).toMatchObject({ id: 7, ok: true, code: 0 });
        expect(h.connacks[0]?.latencyUs).toBeGreaterThan(0);
        expect(pool.isConnected(7)).toBe(true);
        pool.disconnect(7, { clean: true });
        expect(h.closes).toEqual([{ id: 7, reason: 'clean', code: 0 }]);
        expect(pool.size).toBe(0);
      });

      it('publishes QoS 0/1/2; acks match what an independent subscriber received', async () => {
        const received = await subscribe(`suite/v${version}/#`);
        const { pool, h } = open({ maxInFlight: 12 });
        for (let id = 0; id < 4; id++) pool.connect(id, ctx.broker.url, { clientId: `pub${id}-v${version}` });
        await h.until(() => h.connacks.filter((c) => c.ok).length === 4, 5000, 'four CONNACKs');
        const sent: Record<QoS, number[]> = { 0: [], 1: [], 2: [] };
        let token = 0;
        for (let round = 0; round < 6; round++) {
          for (let id = 0; id < 4; id++) {
            for (const qos of [0, 1, 2] as const) {
              const topic = `suite/v${version}/q${qos}`;
              const t = token++;
              expect(pool.publish(id, topic, Buffer.from(String(t)), qos, t)).toBe(PUBLISH_RESULT.sent);
              sent[qos].push(t);
            }
          }
        }
        // 12 QoS 1/2 publishes per connection now fill its window: the next one is refused
        expect(pool.publish(0, `suite/v${version}/q1`, Buffer.from('x'), 1, -1)).toBe(
          PUBLISH_RESULT.windowFull,
        );
        expect(pool.inFlight(0)).toBeLessThanOrEqual(12);
        const confirmed = sent[1].length + sent[2].length;
        await h.until(() => h.acks.length === confirmed, 5000, 'all PUBACK/PUBCOMP');
        expect(h.acks.map((a) => a.token).sort((a, b) => a - b)).toEqual(
          [...sent[1], ...sent[2]].sort((a, b) => a - b),
        );
        expect(h.fails).toEqual([]);
        const count = (qos: QoS): number => received.filter((m) => m.topic.endsWith(`/q${qos}`)).length;
        const total = sent[0].length + confirmed;
        for (let i = 0; i < 50 && received.length < total; i++) await sleep(20);
        expect(count(2)).toBe(sent[2].length); // exactly once
        expect(count(1)).toBeGreaterThanOrEqual(sent[1].length); // at least once
        expect(count(0)).toBe(sent[0].length); // nothing is lost on loopback
      });

      it('subscribes and receives commands at QoS 0/1/2', async () => {
        const { pool, h } = open();
        pool.connect(3, ctx.broker.url, { clientId: `cmd3-v${version}` });
        await h.until(() => h.connacks.length === 1);
        expect(pool.subscribe(3, `cmd/v${version}/3`, 2, 99)).toBe(PUBLISH_RESULT.sent);
        await h.until(() => h.subacks.length === 1, 5000, 'SUBACK');
        expect(h.subacks[0]).toEqual({ id: 3, token: 99, granted: 2 });
        const sender = await countingSubscriber(ctx.broker.url, 'unused/none');
        ctx.cleanups.push(() => sender.close());
        for (const qos of [0, 1, 2] as const) {
          await sender.client.publishAsync(`cmd/v${version}/3`, `reboot-${qos}`, { qos });
        }
        await h.until(() => h.messages.length === 3, 5000, 'three commands');
        expect(h.messages.map((m) => [m.payload, m.qos]).sort()).toEqual([
          ['reboot-0', 0],
          ['reboot-1', 1],
          ['reboot-2', 2],
        ]);
      });

      it('keeps an idle connection alive with PINGREQ, and detects a frozen link', async () => {
        const { pool, h } = open({ tickMs: 100 });
        pool.connect(1, ctx.broker.url, { clientId: `ka-v${version}`, keepaliveSec: 2 });
        await h.until(() => h.connacks.length === 1);
        await sleep(4500); // the broker drops a client silent for 3 s
        expect(h.closes).toEqual([]);
        expect(pool.isConnected(1)).toBe(true);
        pool.freeze(1);
        await h.until(() => h.closes.length === 1, 6000, 'keepalive close');
        expect(h.closes[0]).toMatchObject({ id: 1, reason: 'keepalive' });
      });

      it('times out a publish on a frozen link and reports it as data', async () => {
        const { pool, h } = open({ tickMs: 50, ackTimeoutMs: 300 });
        pool.connect(2, ctx.broker.url, { clientId: `to-v${version}`, keepaliveSec: 60 });
        await h.until(() => h.connacks.length === 1);
        pool.freeze(2);
        expect(pool.publish(2, 'suite/frozen', Buffer.from('x'), 1, 5)).toBe(PUBLISH_RESULT.sent);
        await h.until(() => h.fails.length === 1, 3000, 'ack timeout');
        expect(h.fails[0]).toMatchObject({ id: 2, token: 5, reason: 'timeout' });
        expect(pool.inFlight(2)).toBe(0);
      });

      it('a clean DISCONNECT suppresses the will; an abrupt close publishes it', async () => {
        const wills = await subscribe(`will/v${version}/#`);
        const { pool, h } = open();
        for (const id of [1, 2]) {
          const will = { topic: `will/v${version}/${id}`, payload: `gone-${id}`, qos: 1 as const };
          pool.connect(id, ctx.broker.url, { clientId: `will${id}-v${version}`, will });
        }
        await h.until(() => h.connacks.length === 2);
        pool.disconnect(1, { clean: true });
        pool.destroy(2);
        expect(h.closes.map((c) => [c.id, c.reason])).toEqual([
          [1, 'clean'],
          [2, 'local'],
        ]);
        for (let i = 0; i < 50 && wills.length === 0; i++) await sleep(20);
        await sleep(200);
        expect(wills.map((w) => w.payload)).toEqual(['gone-2']);
      });
    });
  }
}
