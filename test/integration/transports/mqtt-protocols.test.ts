// One pool, two protocols: an MQTT 5 and an MQTT 3.1.1 connection side by side against
// mosquitto. The MQTT 5 CONNACK's Receive Maximum (mosquitto's max_inflight_messages) caps that
// connection's in-flight window [MQTT-3.3.4-9]; the 3.1.1 one keeps the pool's window.
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { MqttConnectionPool, PUBLISH_RESULT } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from './mqtt-harness.js';

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'MQTT 3.1.1 and 5 in one pool',
  () => {
    let broker: MosquittoHandle | null = null;
    let pool: MqttConnectionPool | null = null;
    afterEach(async () => {
      pool?.close();
      pool = null;
      await broker?.stop();
      broker = null;
    });

    it('honours Receive Maximum on the MQTT 5 connection only, and both get every ack', async () => {
      broker = await startMosquitto({ extraConfig: ['max_inflight_messages 3'] });
      const h = new RecordingHandler();
      const p = new MqttConnectionPool({ handler: h, maxInFlight: 16 });
      pool = p;
      p.connect(1, broker.url, { clientId: 'proto-5', protocolVersion: 5 });
      p.connect(2, broker.url, { clientId: 'proto-311', protocolVersion: 4 });
      await h.until(() => h.connacks.length === 2, 5000, 'two CONNACKs');
      expect(h.connacks.every((c) => c.ok)).toBe(true);
      const v5 = Array.from({ length: 6 }, (_, i) => p.publish(1, 'fleet/p', Buffer.from('x'), 1, i));
      const v4 = Array.from({ length: 6 }, (_, i) => p.publish(2, 'fleet/p', Buffer.from('x'), 1, 10 + i));
      const { sent, windowFull } = PUBLISH_RESULT;
      expect(v5).toEqual([sent, sent, sent, windowFull, windowFull, windowFull]);
      expect(v4).toEqual(Array.from({ length: 6 }, () => sent));
      await h.until(() => h.acks.length === 9, 5000, 'nine acks');
      expect(h.acks.map((a) => a.token).sort((a, b) => a - b)).toEqual([0, 1, 2, 10, 11, 12, 13, 14, 15]);
      expect(h.fails).toEqual([]);
    });
  },
);
