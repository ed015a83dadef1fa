// An outage the devices apply to their own links (an external broker, no fault proxy): every
// device cut loses its link at the outage's start, however long resetting its socket took. The
// devices retry after a fixed 8 s, the outage lasts 8.25 s: each must be refused once (its retry
// falls inside the outage). Anchored at the time each close was handled instead, the devices
// cut last (1,500 resets take tens of ms, most of a second of virtual time at speed 20) retried
// after the outage's end and were never refused.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { mosquittoInstalled } from '../../../bench/lib/mosquitto.js';
import { mosquittoForTest } from '../../helpers/mosquitto-sub.js';

const DEVICES = 1500;

function scenario(url: string) {
  const doc = {
    name: 'outage-cut',
    seed: 9,
    mode: 'live',
    duration: '2m',
    fleet: [
      {
        count: DEVICES,
        device: {
          name: 'cut-gw',
          extends: 'gateway',
          radio: { profile: 'ethernet', latency: '0s..0s', loss: '0%' },
          telemetry: { interval: '1h' },
          connectivity: { backoff: { policy: 'none', base: '8s', max: '8s', multiplier: 1 } },
        },
      },
    ],
    'power-on': { spread: '20s' },
    live: { speed: 20, 'max-concurrent-connections': DEVICES + 100 },
    faults: [{ type: 'backend-outage', at: '40s', duration: '8250ms' }],
  };
  return resolveScenarioObject(doc, 'outage-cut (in memory)', { env: {}, overrides: { targetMqtt: [url] } });
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'an outage the devices apply to their own links',
  () => {
    it('every device cut loses its link at the outage’s start, however long the cut takes', async () => {
      const broker = await mosquittoForTest();
      const r = await runLive(await scenario(broker.url), { workers: 1 });
      expect(r.status).toBe('completed');
      const cut = r.agg.counter('mqtt_disconnects_total{reason="outage"}');
      expect(cut).toBeGreaterThan(DEVICES / 2);
      // each cut device retried 8 s after the start, inside the outage: refused once at least
      expect(r.agg.counter('mqtt_connect_failed_total{reason="outage"}')).toBeGreaterThanOrEqual(cut);
    }, 60_000);
  },
);
