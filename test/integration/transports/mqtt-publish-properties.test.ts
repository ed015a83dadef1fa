// MQTT 5 PUBLISH properties through a real broker (mosquitto): a request with response topic and
// correlation data answered by a second lean-client connection, user properties and message expiry
// seen by an independent MQTT.js subscriber, and a 3.1.1 receiver that gets no properties.
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { MqttConnectionPool, PUBLISH_RESULT, type QoS } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from './mqtt-harness.js';

const skip = process.env.FLEETSTORM_SKIP_MOSQUITTO === '1';

describe.skipIf(skip)('MQTT 5 PUBLISH properties against mosquitto', () => {
  let broker: MosquittoHandle;
  let cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(async () => {
    cleanups = [];
    broker = await startMosquitto();
  });
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    await broker.stop();
  });

  const open = (version: 4 | 5): { pool: MqttConnectionPool; h: RecordingHandler } => {
    const h = new RecordingHandler();
    const pool = new MqttConnectionPool({ handler: h, protocolVersion: version });
    cleanups.push(() => pool.close());
    return { pool, h };
  };

  const connectAndSubscribe = async (
    version: 4 | 5,
    id: number,
    filter: string,
  ): Promise<{ pool: MqttConnectionPool; h: RecordingHandler }> => {
    const side = open(version);
    side.pool.connect(id, broker.url, { clientId: `props-${id}-v${version}` });
    await side.h.until(() => side.h.connacks.length === 1, 5000, 'CONNACK');
    expect(side.pool.subscribe(id, filter, 1, 1)).toBe(PUBLISH_RESULT.sent);
    await side.h.until(() => side.h.subacks.length === 1, 5000, 'SUBACK');
    return side;
  };

  it('a request carries response topic and correlation data; the answer echoes the correlation', async () => {
    const device = await connectAndSubscribe(5, 1, 'cmd/dev-1');
    const operator = await connectAndSubscribe(5, 2, 'replies/op');
    const correlationData = Buffer.from([0xca, 0xfe, 0x00, 0x01]);
    const request = { responseTopic: 'replies/op', correlationData, messageExpirySec: 60 };
    expect(
      operator.pool.publish(2, 'cmd/dev-1', Buffer.from('reboot'), 1, 10, undefined, false, request),
    ).toBe(PUBLISH_RESULT.sent);
    await device.h.until(() => device.h.messages.length === 1, 5000, 'the command');
    const got = device.h.messages[0];
    expect(got?.payload).toBe('reboot');
    expect(got?.props?.responseTopic).toBe('replies/op');
    expect(Buffer.from(got?.props?.correlationData ?? []).equals(correlationData)).toBe(true);
    // the broker passes the expiry on, less the time the message waited [MQTT-3.3.2-6]
    expect(got?.props?.messageExpirySec).toBeGreaterThan(0);
    expect(got?.props?.messageExpirySec).toBeLessThanOrEqual(60);

    const reply = { correlationData: got?.props?.correlationData ?? Buffer.alloc(0) };
    const topic = got?.props?.responseTopic ?? '';
    expect(device.pool.publish(1, topic, Buffer.from('ok'), 1 as QoS, 11, undefined, false, reply)).toBe(
      PUBLISH_RESULT.sent,
    );
    await operator.h.until(() => operator.h.messages.length === 1, 5000, 'the reply');
    expect(operator.h.messages[0]?.payload).toBe('ok');
    expect(Buffer.from(operator.h.messages[0]?.props?.correlationData ?? []).equals(correlationData)).toBe(
      true,
    );
  });

  it('user properties reach an independent MQTT.js subscriber in order; a plain publish has none', async () => {
    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    cleanups.push(() => sub.endAsync(true));
    const seen: { payload: string; user: unknown; expiry: unknown }[] = [];
    sub.on('message', (_t, payload, packet) =>
      seen.push({
        payload: payload.toString(),
        user: packet.properties?.userProperties,
        expiry: packet.properties?.messageExpiryInterval,
      }),
    );
    await sub.subscribeAsync('tele/#', { qos: 1 });
    const receiver = await connectAndSubscribe(5, 3, 'tele/#');
    const { pool, h } = open(5);
    pool.connect(4, broker.url, { clientId: 'props-pub' });
    await h.until(() => h.connacks.length === 1, 5000, 'CONNACK');
    const userProperties = [
      ['fs-seq', '41'],
      ['fs-sent-us', '1700000000000000'],
      ['site', 'Köln'],
    ] as const;
    pool.publish(4, 'tele/dev-4', Buffer.from('{"t":1}'), 1, 1, undefined, false, { userProperties });
    pool.publish(4, 'tele/dev-4', Buffer.from('plain'), 1, 2);
    await h.until(() => h.acks.length === 2, 5000, 'PUBACKs');
    await receiver.h.until(() => receiver.h.messages.length === 2, 5000, 'two deliveries');
    // the MQTT.js subscriber's deliveries wake none of the pool harness's waiters: wait on its own
    if (seen.length < 2)
      await new Promise<void>((resolve) => sub.on('message', () => seen.length === 2 && resolve()));

    expect(seen[0]).toEqual({
      payload: '{"t":1}',
      user: { 'fs-seq': '41', 'fs-sent-us': '1700000000000000', site: 'Köln' },
      expiry: undefined,
    });
    expect(seen[1]?.user).toBeUndefined();
    expect(receiver.h.messages[0]?.props?.userProperties).toEqual(userProperties.map((p) => [...p]));
    expect(receiver.h.messages[1]?.props).toBeUndefined();
  });

  it('a 3.1.1 receiver gets the payload and no properties', async () => {
    const receiver = await connectAndSubscribe(4, 5, 'mixed/#');
    const { pool, h } = open(5);
    pool.connect(6, broker.url, { clientId: 'props-pub-v5' });
    await h.until(() => h.connacks.length === 1, 5000, 'CONNACK');
    const props = { userProperties: [['k', 'v']] as const, messageExpirySec: 30, responseTopic: 'r' };
    pool.publish(6, 'mixed/a', Buffer.from('hello'), 1, 1, undefined, false, props);
    await receiver.h.until(() => receiver.h.messages.length === 1, 5000, 'the delivery');
    expect(receiver.h.messages[0]).toMatchObject({ topic: 'mixed/a', payload: 'hello', props: undefined });
  });
});
