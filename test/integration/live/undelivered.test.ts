// Deliveries at the end of a live run: the drain waits while deliveries keep coming, and what
// never reached the end-to-end subscriber is named in the report, not left for the reader to
// find as a gap between mqtt_publish_acked_total and mqtt_delivered_total. Here mosquitto queues
// at most one message per client beyond the one in flight: the aligned burst of the fleet's
// publishes overflows the subscriber's queue and the broker drops the rest, acknowledged.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { mosquittoInstalled, startMosquitto } from '../../../bench/lib/mosquitto.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { onTestFinished } from 'vitest';

async function run(extraConfig: string[]) {
  const broker = await startMosquitto({ extraConfig });
  onTestFinished(() => broker.stop());
  const doc = {
    name: 'undelivered',
    seed: 5,
    mode: 'live',
    duration: '3m',
    fleet: [
      {
        count: 200,
        device: {
          name: 'meter',
          extends: 'gateway',
          radio: { profile: 'ethernet' },
          telemetry: { cron: '* * * * *' }, // every device publishes at the top of each minute
        },
      },
    ],
    'power-on': { spread: '20s' },
    live: { speed: 20 },
  };
  const s = await resolveScenarioObject(doc, 'undelivered (in memory)', {
    env: {},
    overrides: { targetMqtt: [broker.url] },
  });
  const r = await runLive(s, { workers: 1 });
  expect(r.status).toBe('completed');
  const acked = r.agg.counter('mqtt_publish_acked_total');
  const delivered = r.agg.counter('mqtt_delivered_total');
  expect(acked).toBe(r.agg.counter('mqtt_publish_total'));
  expect(acked).toBeGreaterThanOrEqual(400);
  return { acked, delivered, warnings: r.warnings };
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'deliveries at the end of a live run',
  () => {
    it('names the acknowledged publishes a dropping broker never delivered', async () => {
      const { acked, delivered, warnings } = await run(['max_inflight_messages 1', 'max_queued_messages 1']);
      expect(delivered).toBeLessThan(acked);
      const w = warnings.find((x) => x.includes('never reached the end-to-end subscriber'));
      expect(w).toBeDefined();
      expect(w).toContain(`${acked - delivered} acknowledged publishes`);
    }, 60_000);

    it('says nothing when every acknowledged publish arrived', async () => {
      const { acked, delivered, warnings } = await run([]);
      expect(delivered).toBe(acked);
      expect(warnings.join(' ')).not.toContain('end-to-end subscriber');
    }, 60_000);
  },
);
