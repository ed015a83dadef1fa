// CBOR telemetry of MQTT 3.1.1 devices against mosquitto: an independent mosquitto_sub receives
// bytes that cborg decodes to the template's fields, and the fleet's subscriber reads the send
// time and sequence from the CBOR map's top level (3.1.1 has no user properties), so every
// delivery has a latency and the per-device sequence shows no gap.
import { spawn } from 'node:child_process';
import { decode } from 'cborg';
import { afterEach, describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';

function scenario(url: string) {
  const doc = {
    name: 'telemetry-cbor',
    seed: 3,
    mode: 'live',
    duration: '2m',
    fleet: [
      {
        count: 10,
        device: {
          name: 'tag',
          radio: { profile: 'ethernet' },
          connectivity: { mode: 'persistent', protocol: '3.1.1' },
          telemetry: {
            interval: '10s',
            topic: 'cbor/{id}',
            payload: {
              cbor: {
                id: { device: 'id' },
                t: { normal: { mean: 21, stddev: 2 } },
                state: { pick: ['ok', 'low'] },
                at: { fleetstorm: 'sent-at' },
                n: { fleetstorm: 'seq' },
              },
            },
          },
        },
      },
    ],
    'power-on': { spread: '5s' },
    live: { speed: 60 },
  };
  return resolveScenarioObject(doc, 'cbor (in memory)', { env: {}, overrides: { targetMqtt: [url] } });
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'CBOR telemetry against mosquitto',
  () => {
    let broker: MosquittoHandle | null = null;
    afterEach(async () => {
      await broker?.stop();
      broker = null;
    });

    it('delivers decodable CBOR, measured from its top-level fields', async () => {
      broker = await startMosquitto();
      const child = spawn(
        'mosquitto_sub',
        ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1'].concat(['-t', 'cbor/#', '-F', '%t %x']),
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      // mosquitto_sub prints nothing on subscribe: wait for a probe to come back
      for (let i = 0; i < 100 && !out.includes('cbor/probe'); i++) {
        await new Promise((r) =>
          spawn('mosquitto_pub', [
            '-h',
            '127.0.0.1',
            '-p',
            String(broker?.port),
            '-t',
            'cbor/probe',
            '-m',
            'p',
          ]).once('exit', r),
        );
        await new Promise((r) => setTimeout(r, 50));
      }
      const r = await runLive(await scenario(broker.url), { workers: 1 });
      await new Promise((res) => setTimeout(res, 300));
      child.kill('SIGTERM');
      expect(r.status).toBe('completed');

      const seen = out
        .split('\n')
        .filter((l) => l.startsWith('cbor/tag-'))
        .map((l) => {
          const [topic, hex] = l.split(' ') as [string, string];
          return { topic, body: decode(Buffer.from(hex, 'hex')) as Record<string, unknown> };
        });
      expect(seen.length).toBeGreaterThan(80);
      const last = new Map<string, number>();
      for (const { topic, body } of seen) {
        expect(topic).toBe(`cbor/${String(body.id)}`);
        expect(typeof body.t).toBe('number');
        expect(['ok', 'low']).toContain(body.state);
        expect(body.n).toBe((last.get(topic) ?? 0) + 1);
        last.set(topic, body.n as number);
      }
      const acked = r.agg.counter('mqtt_publish_acked_total');
      expect(seen.length).toBe(acked);
      expect(r.agg.counter('mqtt_delivered_total')).toBe(acked);
      expect(r.agg.counter('mqtt_delivery_gaps_total')).toBe(0);
      expect(r.agg.histogram('mqtt_e2e_delivery_duration_us').totalCount).toBe(acked);
    }, 60_000);
  },
);
