// Birth and Last Will against mosquitto: the wills the fleet's subscriber counts after power
// losses equal what an independent mosquitto_sub (spawned here) sees on the will topic, and
// equal the abrupt disconnects; a duty-cycled fleet's clean disconnects leave no will; one birth
// arrives per successful connect; an outage the devices apply to their own links (no fault proxy
// in front of the broker) drops every session at the broker at once, a will each.
import { describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { closeTargets, prepareTargets } from '../../../src/live/targets.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { mosquittoInstalled } from '../../../bench/lib/mosquitto.js';
import { mosquittoForTest, observedUntilFinished, retainedNow } from '../../helpers/mosquitto-sub.js';

const BIRTH_WILL = {
  birth: { topic: 'bw/{id}/birth', payload: '{{"id":"{id}","online":true}}', qos: 1, retain: true },
  will: { topic: 'bw/{id}/will', payload: '{{"id":"{id}","online":false}}', qos: 1 },
};

function scenario(url: string, dutyCycle: boolean, faults: Record<string, unknown>[]) {
  const device = dutyCycle
    ? {
        name: 'bw-sensor',
        extends: 'sensor',
        radio: { profile: 'ethernet' },
        connectivity: { 'connect-timeout': '2m', ...BIRTH_WILL },
        telemetry: { interval: '1m', jitter: '5s' },
      }
    : { name: 'bw-gateway', extends: 'gateway', connectivity: BIRTH_WILL };
  const doc = {
    name: 'birth-will-test',
    seed: 5,
    mode: 'live',
    duration: '4m',
    fleet: [{ device, count: 20 }],
    'power-on': { spread: '20s' },
    live: { speed: 60 },
    faults,
  };
  return resolveScenarioObject(doc, 'birth-will (in memory)', { env: {}, overrides: { targetMqtt: [url] } });
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'birth and Last Will against mosquitto',
  () => {
    it('power losses: wills counted by the fleet = wills seen by mosquitto_sub = abrupt disconnects', async () => {
      const broker = await mosquittoForTest();
      const s = await scenario(broker.url, false, [
        { type: 'power-loss', who: '25%', at: '1m', duration: '20s' },
      ]);
      const watch = await observedUntilFinished(broker.port, 'bw/+/+', 'bw/probe/birth');
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      await new Promise((res) => setTimeout(res, 300));
      const real = watch.lines.filter((l) => !l.startsWith('bw/probe/'));
      const wills = real.filter((l) => /^bw\/[^/]+\/will /.test(l));
      const births = real.filter((l) => /^bw\/[^/]+\/birth /.test(l));
      const power = r.agg.counter('mqtt_disconnects_total{reason="power"}');
      expect(power).toBeGreaterThan(0);
      expect(r.agg.counter('mqtt_wills_received_total')).toBe(wills.length);
      expect(wills.length).toBe(power);
      expect(wills.every((l) => l.endsWith('"online":false}'))).toBe(true);
      // one birth per successful connect, each seen once
      const connects = r.agg.counter('mqtt_connect_success_total');
      expect(connects).toBe(20 + power);
      expect(r.agg.counter('mqtt_births_sent_total')).toBe(connects);
      expect(births.length).toBe(connects);
      expect(r.warnings.filter((w) => w.includes('wills'))).toEqual([]);
      // birth.retain: a subscriber arriving after the run gets each device's last birth
      const retained = await retainedNow(broker.port, 'bw/+/birth', 20);
      expect(new Set(retained.map((l) => l.split(' ')[0])).size).toBe(20);
    }, 40_000);

    it('an outage with no proxy in front of the broker: the devices reset their own links, the broker drops each session at once (a will each)', async () => {
      const broker = await mosquittoForTest();
      const s = await scenario(broker.url, false, [{ type: 'backend-outage', at: '1m', duration: '20s' }]);
      // an outage alone needs no fault proxy in front of the broker: the devices keep its URL
      const targets = await prepareTargets(s);
      try {
        expect(targets.proxied?.mqttProxied).toBe(false);
        expect(targets.proxied?.deviceMqttUrls).toEqual([broker.url]);
      } finally {
        await closeTargets(targets);
      }
      const watch = await observedUntilFinished(broker.port, 'bw/+/+', 'bw/probe/birth');
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      await new Promise((res) => setTimeout(res, 300));
      const wills = watch.lines.filter((l) => /^bw\/[^/]+\/will /.test(l) && !l.startsWith('bw/probe/'));
      expect(r.agg.counter('mqtt_disconnects_total{reason="outage"}')).toBe(20);
      expect(wills.length).toBe(20);
      expect(r.agg.counter('mqtt_wills_received_total')).toBe(20);
      expect(r.agg.counter('mqtt_connect_success_total')).toBe(40);
      expect(r.warnings.join(' ')).not.toContain('backend-outage');
    }, 40_000);

    it('a duty-cycled fleet disconnects cleanly: no will, a birth per session', async () => {
      const broker = await mosquittoForTest();
      const s = await scenario(broker.url, true, []);
      const watch = await observedUntilFinished(broker.port, 'bw/+/+', 'bw/probe/birth');
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      await new Promise((res) => setTimeout(res, 300));
      const real = watch.lines.filter((l) => !l.startsWith('bw/probe/'));
      const connects = r.agg.counter('mqtt_connect_success_total');
      expect(r.agg.counter('mqtt_disconnects_total{reason="duty_cycle"}')).toBeGreaterThan(0);
      expect(real.filter((l) => /^bw\/[^/]+\/will /.test(l))).toEqual([]);
      expect(r.agg.counter('mqtt_wills_received_total')).toBe(0);
      expect(real.filter((l) => /^bw\/[^/]+\/birth /.test(l)).length).toBe(connects);
    }, 40_000);
  },
);
