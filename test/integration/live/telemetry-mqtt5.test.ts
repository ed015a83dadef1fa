// Templated telemetry of MQTT 5 devices against mosquitto: the stream's user properties (device
// facts) and message expiry reach an independent mosquitto_sub, and the end-to-end measurement
// travels in fleetstorm's own user properties, so a text payload without any marker field is
// still counted per device without gaps and with a latency for every delivery.
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { mosquittoSub } from '../../helpers/mosquitto-sub.js';

function scenario(url: string) {
  const doc = {
    name: 'telemetry-mqtt5',
    seed: 5,
    mode: 'live',
    duration: '2m',
    fleet: [
      {
        count: 12,
        device: {
          name: 'meter',
          radio: { profile: 'ethernet' },
          connectivity: { mode: 'persistent', protocol: '5' },
          telemetry: {
            interval: '10s',
            'user-properties': { dev: '{id}', kind: '{type}' },
            'message-expiry': '10m',
            streams: [
              { topic: 'plant/{type}/{id}', payload: { text: 'up' } },
              // fleetstorm's own topic and filler, with properties only
              { interval: '30s', payload: '64B', 'user-properties': { x: '{id}' } },
            ],
          },
        },
      },
    ],
    'power-on': { spread: '5s' },
    live: { speed: 60 },
  };
  return resolveScenarioObject(doc, 'mqtt5 (in memory)', { env: {}, overrides: { targetMqtt: [url] } });
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'MQTT 5 telemetry: user properties, expiry and measurement in properties',
  () => {
    let broker: MosquittoHandle | null = null;
    afterEach(async () => {
      await broker?.stop();
      broker = null;
    });

    it('carries the stream properties and counts every delivery per device from fleetstorm-seq', async () => {
      broker = await startMosquitto();
      // MQTT 5, one `topic expiry|user properties|payload` line per message
      const sub = mosquittoSub(broker.port, 'plant/#', 'plant/probe', '%t %E|%P|%p');
      onTestFinished(() => void sub.child.kill('SIGTERM'));
      await sub.ready;
      const r = await runLive(await scenario(broker.url), { workers: 1 });
      await new Promise((res) => setTimeout(res, 300));
      sub.child.kill('SIGTERM');
      expect(r.status).toBe('completed');

      const seen = sub.lines.filter((l) => l.startsWith('plant/meter/'));
      expect(seen.length).toBeGreaterThan(80);
      const perDevice = new Map<string, number[]>();
      for (const line of seen) {
        const [head, props, payload] = line.split('|') as [string, string, string];
        const [topic, expiry] = head.split(' ') as [string, string];
        const id = topic.split('/')[2] as string;
        expect(payload).toBe('up');
        expect(Number(expiry)).toBeGreaterThan(590); // 10 min, less the moments in the broker
        expect(Number(expiry)).toBeLessThanOrEqual(600);
        // the user's properties first, then fleetstorm's measurement fields
        const m = new RegExp(
          `^dev:${id} kind:meter fleetstorm-sent-us:(\\d+) fleetstorm-seq:(\\d+) fleetstorm-stream:(\\d+)\\.0$`,
        ).exec(props);
        expect(m, props).not.toBeNull();
        expect(`meter-${m?.[3]}`).toBe(id);
        const list = perDevice.get(id) ?? [];
        list.push(Number(m?.[2]));
        perDevice.set(id, list);
      }
      expect(perDevice.size).toBe(12);
      for (const seqs of perDevice.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));

      const acked = r.agg.counter('mqtt_publish_acked_total');
      const own = acked - seen.length; // the second stream, on fleetstorm's own topic
      expect(own).toBeGreaterThanOrEqual(12 * 3);
      expect(r.agg.counter('mqtt_delivered_total')).toBe(acked);
      expect(r.agg.counter('mqtt_delivery_gaps_total')).toBe(0);
      expect(r.agg.counter('mqtt_delivery_duplicates_total')).toBe(0);
      // a latency for every delivery, though the payload names no send-time field
      expect(r.agg.histogram('mqtt_e2e_delivery_duration_us').totalCount).toBe(acked);
    }, 60_000);
  },
);
