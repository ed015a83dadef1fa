// Backend faults against an external broker: an outage resets every device connection (the
// devices reset their own links, no proxy in front of the broker) and refuses new ones, then
// the fleet reconnects; an outage of some brokers reaches their devices alone; backend-slow
// (through the built-in TCP fault proxy) adds latency that shows up in the measured connect and
// publish latencies; broker-reject is answered by the proxy with refusing CONNACKs.
import { afterEach, describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { closeTargets, prepareTargets } from '../../../src/live/targets.js';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { liveScenario } from './live-helpers.js';

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'backend faults on an external target (fault proxy)',
  () => {
    let broker: MosquittoHandle | null = null;
    let second: MosquittoHandle | null = null;
    afterEach(async () => {
      await broker?.stop();
      await second?.stop();
      broker = null;
      second = null;
    });

    it('an outage drops every device session and the fleet reconnects', async () => {
      broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const faults = [{ type: 'backend-outage', at: '2m', duration: '1m' }];
      const s = await liveScenario({ devices: 20, duration: '5m', faults }, { targetMqtt: [broker.url] });
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      expect(r.agg.counter('mqtt_disconnects_total{reason="outage"}')).toBe(20);
      expect(r.agg.counter('mqtt_connect_success_total')).toBeGreaterThanOrEqual(40);
      expect(r.warnings.join(' ')).not.toContain('backend-outage');
      // retries into the outage are refused in the process, without a socket
      const refused = r.agg.counter('mqtt_connect_failed_total{reason="outage"}');
      expect(refused).toBeGreaterThan(0);
      expect(r.connectErrors).toContainEqual(
        expect.objectContaining({
          detail: 'refused by the injected outage (no socket opened)',
          count: refused,
        }),
      );
    }, 40_000);

    it('an outage of broker 0 of 2 drops and refuses only the devices of that broker', async () => {
      broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      second = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const faults = [{ type: 'backend-outage', at: '2m', duration: '1m', params: { brokers: [0] } }];
      const targetMqtt = [broker.url, second.url];
      const s = await liveScenario({ devices: 20, duration: '5m', faults }, { targetMqtt });
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      // device i connects to URL i mod 2: the 10 even devices lose their sessions, alone
      expect(r.agg.counter('mqtt_disconnects_total{reason="outage"}')).toBe(10);
      expect(r.agg.counter('outage_tracked_devices_total')).toBe(10);
      expect(r.agg.counter('mqtt_connect_success_total')).toBe(30);
      expect(r.agg.histogram('outage_reconnect_duration_us').totalCount).toBe(10);
      expect(r.warnings.join(' ')).not.toContain('backend-outage');
    }, 40_000);

    it('broker-reject refuses every connect at the proxy until it ends, then the fleet connects', async () => {
      broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const faults = [{ type: 'broker-reject', at: '0s', duration: '1m' }];
      const s = await liveScenario({ devices: 20, duration: '5m', faults }, { targetMqtt: [broker.url] });
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      expect(r.agg.counter('mqtt_connect_failed_total{reason="rejected"}')).toBeGreaterThanOrEqual(20);
      expect(r.agg.counter('mqtt_connect_success_total')).toBe(20);
      expect(r.warnings.join(' ')).not.toContain('broker-reject');
    }, 40_000);

    it('backend-slow adds latency that the measured publish latency shows', async () => {
      broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const faults = [{ type: 'backend-slow', at: '0s', duration: '10m', params: { 'slow-factor': 5 } }];
      const s = await liveScenario({ devices: 10, duration: '4m', faults }, { targetMqtt: [broker.url] });
      const r = await runLive(s, { workers: 1 });
      expect(r.status).toBe('completed');
      // 4 × 50 ms each way: a PUBACK round trip takes at least 400 ms through the proxy
      expect(r.agg.histogram('mqtt_publish_ack_duration_us').getValueAtPercentile(50)).toBeGreaterThan(
        350_000,
      );
    }, 40_000);

    it('the parent of --processes N starts no fault proxy: each child starts its own', async () => {
      broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const faults = [{ type: 'backend-slow', at: '0s', duration: '1m', params: { 'slow-factor': 2 } }];
      const s = await liveScenario({ devices: 4, duration: '2m', faults }, { targetMqtt: [broker.url] });
      const child = await prepareTargets(s);
      const parent = await prepareTargets(s, { proxies: false });
      try {
        expect(child.proxied).not.toBeNull();
        expect(parent.proxied).toBeNull();
        expect(parent.mqttUrls).toEqual([broker.url]); // what the children are given
      } finally {
        await closeTargets(child);
        await closeTargets(parent);
      }
    }, 40_000);
  },
);
