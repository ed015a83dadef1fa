// Templated telemetry against mosquitto: an independent mosquitto_sub on the templated topic
// receives valid JSON with the generated fields, the same bytes for the same seed across two
// runs (the send-time field aside); the fleet's own subscriber counts as many deliveries as
// acks, with no gap and no duplicate in the per-device sequence.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { mosquittoInstalled } from '../../../bench/lib/mosquitto.js';
import { mosquittoForTest, observedUntilFinished, retainedNow } from '../../helpers/mosquitto-sub.js';

const TEMPLATE = {
  id: { device: 'id' },
  fw: { device: 'firmware' },
  temp: { normal: { mean: 21, stddev: 2 } },
  level: { walk: { start: 50, step: 5, min: 0, max: 100 } },
  state: { pick: ['ok', 'warn'] },
  n: { counter: {} },
  ts: { fleetstorm: 'sent-at' },
  seq: { fleetstorm: 'seq' },
};

function scenario(url: string, protocol: '3.1.1' | '5') {
  const doc = {
    name: 'templates-test',
    seed: 11,
    mode: 'live',
    duration: '3m',
    fleet: [
      {
        count: 20,
        device: {
          name: 'meter',
          radio: { profile: 'ethernet' },
          connectivity: { mode: 'persistent', protocol },
          telemetry: {
            interval: '10s',
            jitter: '2s',
            topic: 'devices/{id}/telemetry',
            payload: { json: TEMPLATE },
            retain: true,
            // a second stream on its own schedule: text, no markers
            streams: [{}, { interval: '1m', topic: 'devices/{id}/status', payload: { text: 'up {seq}' } }],
          },
        },
      },
    ],
    'power-on': { spread: '10s' },
    live: { speed: 60 },
  };
  return resolveScenarioObject(doc, 'templates (in memory)', { env: {}, overrides: { targetMqtt: [url] } });
}

interface Seen {
  topic: string;
  body: Record<string, unknown>;
}

function parse(lines: readonly string[]): Seen[] {
  return lines
    .filter((l) => !l.startsWith('devices/probe/') && l.includes('/telemetry '))
    .map((l) => {
      const at = l.indexOf(' ');
      return { topic: l.slice(0, at), body: JSON.parse(l.slice(at + 1)) as Record<string, unknown> };
    });
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'telemetry templates against mosquitto',
  () => {
    async function runOnce(protocol: '3.1.1' | '5') {
      const broker = await mosquittoForTest();
      const watch = await observedUntilFinished(broker.port, 'devices/+/+', 'devices/probe/telemetry');
      const r = await runLive(await scenario(broker.url, protocol), { workers: 1 });
      await new Promise((res) => setTimeout(res, 300));
      watch.child.kill('SIGTERM');
      const retained = (await retainedNow(broker.port, 'devices/+/telemetry', 20, 5)).filter((l) =>
        l.startsWith('devices/meter-'),
      ).length;
      await broker.stop();
      const status = watch.lines.filter((l) => /^devices\/meter-\d+\/status up \d+$/.test(l)).length;
      return { r, seen: parse(watch.lines), status, retained };
    }

    it('publishes valid JSON on the templated topics, counted without gaps; the same bytes for the same seed', async () => {
      const a = await runOnce('3.1.1');
      expect(a.r.status).toBe('completed');
      expect(a.seen.length).toBeGreaterThan(100);
      for (const { topic, body } of a.seen) {
        expect(topic).toBe(`devices/${String(body.id)}/telemetry`);
        expect(body.fw).toBe('1.0.0');
        expect(typeof body.temp).toBe('number');
        expect(body.level as number).toBeGreaterThanOrEqual(0);
        expect(['ok', 'warn']).toContain(body.state);
        expect(body.n).toBe((body.seq as number) - 1);
      }
      const acked = a.r.agg.counter('mqtt_publish_acked_total');
      expect(a.r.agg.counter('mqtt_delivered_total')).toBe(acked);
      expect(a.status).toBeGreaterThanOrEqual(40); // 20 devices, about 3 status publishes each
      expect(a.seen.length + a.status).toBe(acked);
      expect(a.r.agg.counter('mqtt_delivery_gaps_total')).toBe(0);
      expect(a.r.agg.counter('mqtt_delivery_duplicates_total')).toBe(0);
      expect(a.retained).toBe(20); // retain: true leaves each device's last message on its topic

      const b = await runOnce('3.1.1');
      const key = (s: Seen): string => `${s.topic}#${String(s.body.seq)}`;
      const bytes = (s: Seen): string => JSON.stringify({ ...s.body, ts: 0 });
      const first = new Map(a.seen.map((s) => [key(s), bytes(s)]));
      const common = b.seen.filter((s) => first.has(key(s)));
      expect(common.length).toBeGreaterThan(0.8 * Math.min(a.seen.length, b.seen.length));
      for (const s of common) expect(bytes(s)).toBe(first.get(key(s)));
    }, 60_000);
  },
);
