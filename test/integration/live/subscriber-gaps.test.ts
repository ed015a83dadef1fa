// The end-to-end subscriber stopped and restarted mid-run: it reaches mosquitto through a fault
// proxy whose outage cuts it off while devices keep publishing; an independent mosquitto_sub that
// stayed up sees everything. QoS 0 messages sent while the subscriber was away are gaps, exactly
// as many as mosquitto_sub saw then; QoS 1 ones wait in its MQTT 5 session (session expiry) and
// arrive after the reconnect, so no gap; a resent message is one duplicate.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto, mosquittoInstalled, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { monotonicUs } from '../../../src/clock/real-clock.js';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import { startFaultProxy, type FaultProxy } from '../../../src/faults/proxy/index.js';
import { DeliverySequence } from '../../../src/live/delivery-sequence.js';
import { E2eSubscriber } from '../../../src/live/subscriber.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { MEASUREMENT_PROPERTY } from '../../../src/payload/measurement.js';
import { MqttConnectionPool, type QoS } from '../../../src/transports/mqtt/index.js';
import { RecordingHandler } from '../transports/mqtt-harness.js';

const DEVICES = 5;
/** Devices 0-2 publish at QoS 0 (not kept for an absent subscriber), 3-4 at QoS 1. */
const qosOf = (device: number): QoS => (device < 3 ? 0 : 1);

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'gaps and duplicates when the end-to-end subscriber is away mid-run',
  () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it('counts as gaps exactly the QoS 0 messages an independent subscriber saw while it was away', async () => {
      const broker: MosquittoHandle = await startMosquitto();
      cleanups.push(() => broker.stop());
      const proxy: FaultProxy = await startFaultProxy({ target: { host: '127.0.0.1', port: broker.port } });
      cleanups.push(() => proxy.close());

      // the independent observer: stays connected all along, prints each message's properties
      const watcher: ChildProcess = spawn('mosquitto_sub', [
        ...['-h', '127.0.0.1', '-p', String(broker.port), '-V', 'mqttv5', '-q', '1'],
        ...['-t', 'gap/#', '-F', '%t|%P'],
      ]);
      cleanups.push(() => void watcher.kill('SIGTERM'));
      const watched: string[] = [];
      let tail = '';
      let probed = false;
      watcher.stdout?.on('data', (chunk: Buffer) => {
        const parts = (tail + chunk.toString('utf8')).split('\n');
        tail = parts.pop() ?? '';
        probed ||= parts.some((l) => l.startsWith('gap/probe|'));
        watched.push(...parts.filter((l) => l.startsWith('gap/dev-')));
      });
      // mosquitto_sub prints nothing when subscribed: wait until a probe comes back
      while (!probed) {
        const pub = spawn('mosquitto_pub', [
          '-h',
          '127.0.0.1',
          '-p',
          String(broker.port),
          '-t',
          'gap/probe',
          '-m',
          'p',
        ]);
        await new Promise((r) => pub.once('exit', r));
        await new Promise((r) => setTimeout(r, 50));
      }

      const rec = new Recorder();
      const sequence = new DeliverySequence(rec, { sentAt: [], seq: [] });
      const subscriber = new E2eSubscriber(rec, monotonicUs, 'fleetstorm/gaps-test');
      cleanups.push(() => subscriber.close());
      subscriber.measureWith(sequence, true);
      subscriber.watchTelemetry(['gap/+'], sequence);
      expect(await subscriber.start([`mqtt://127.0.0.1:${proxy.port}`], `gaps-${process.pid}`)).toBe(true);

      const h = new RecordingHandler();
      const pool = new MqttConnectionPool({ handler: h, protocolVersion: 5 });
      cleanups.push(() => pool.close());
      for (let d = 0; d < DEVICES; d++) pool.connect(d, broker.url, { clientId: `gap-dev-${d}` });
      await h.until(() => h.connacks.length === DEVICES, 5000, 'device CONNACKs');
      const publish = (d: number, seq: number): void => {
        const userProperties = [
          [MEASUREMENT_PROPERTY.sentAt, String(Math.round(monotonicUs()))],
          [MEASUREMENT_PROPERTY.seq, String(seq)],
          [MEASUREMENT_PROPERTY.stream, `${d}.0`],
        ] as const;
        pool.publish(d, `gap/dev-${d}`, Buffer.from(`reading ${seq}`), qosOf(d), seq, undefined, false, {
          userProperties,
        });
      };
      const round = (seq: number): void => {
        for (let d = 0; d < DEVICES; d++) publish(d, seq);
      };
      const acked = (): number => h.acks.length;

      // 1. both subscribers up: rounds 1-10
      for (let seq = 1; seq <= 10; seq++) round(seq);
      await until(() => sequence.delivered === 10 * DEVICES, 'the first ten rounds at the subscriber');
      await until(() => watched.length === 10 * DEVICES, 'the first ten rounds at mosquitto_sub');
      await until(() => acked() === 10 * 2, 'the QoS 1 acks of rounds 1-10'); // the in-flight window is 16

      // 2. the subscriber is cut off (reset, reconnects refused): rounds 11-20
      proxy.outage(true);
      await until(
        () => subscriber.gaps.some((g) => g.broker === 0 && g.toUs === null),
        'the subscriber away',
      );
      for (let seq = 11; seq <= 20; seq++) round(seq);
      await until(() => acked() === 20 * 2, 'the QoS 1 acks of rounds 1-20');
      await until(() => watched.length === 20 * DEVICES, 'rounds 11-20 at mosquitto_sub');
      const deliveredWhileAway = sequence.delivered;
      proxy.outage(false);
      await until(() => subscriber.gaps.every((g) => g.toUs !== null), 'the subscriber back', 30_000);

      // 3. back: rounds 21-30, then device 0 resends its last message (a duplicate)
      for (let seq = 21; seq <= 30; seq++) round(seq);
      publish(0, 30); // QoS 0: no ack to wait for
      await until(() => watched.length === 30 * DEVICES + 1, 'every message at mosquitto_sub');
      const expectedAtSubscriber = 30 * DEVICES + 1 - 3 * 10; // QoS 0 devices' rounds 11-20 lost
      await until(() => sequence.delivered === expectedAtSubscriber, 'the subscriber to catch up');

      // What the independent subscriber saw, per device stream
      const seen = new Map<string, number[]>();
      for (const line of watched) {
        const seq = /fleetstorm-seq:(\d+)/.exec(line)?.[1];
        const stream = /fleetstorm-stream:([\d.]+)/.exec(line)?.[1] ?? '';
        seen.set(stream, [...(seen.get(stream) ?? []), Number(seq)]);
      }
      expect(seen.size).toBe(DEVICES);
      const distinct = [...seen.values()].reduce((n, seqs) => n + new Set(seqs).size, 0);
      const repeats = watched.length - distinct;
      expect(deliveredWhileAway).toBe(10 * DEVICES); // nothing reached it while cut off
      // gaps: what mosquitto_sub saw and our subscriber never got (every lost one was followed by a later one)
      expect(sequence.gaps).toBe(distinct - (sequence.delivered - sequence.duplicates));
      expect(sequence.gaps).toBe(3 * 10);
      expect(sequence.duplicates).toBe(repeats);
      expect(sequence.duplicates).toBe(1);
    }, 90_000);
  },
);

describe('the end-to-end subscriber of an MQTT 5 fleet against a 3.1.1-only broker', () => {
  it('falls back to 3.1.1 when its MQTT 5 CONNECT is refused, and subscribes', async () => {
    const backend = await startEmbeddedBackend({ host: '127.0.0.1', mqttPort: 0, httpPort: 0 });
    const rec = new Recorder();
    const subscriber = new E2eSubscriber(rec, monotonicUs, 'fleetstorm/fallback-test');
    try {
      subscriber.measureWith(new DeliverySequence(rec, { sentAt: [], seq: [] }), true);
      expect(await subscriber.start([backend.mqttUrl], `fallback-${process.pid}`, () => ({}), 5_000)).toBe(
        true,
      );
    } finally {
      subscriber.close();
      await backend.close();
    }
  });
});
