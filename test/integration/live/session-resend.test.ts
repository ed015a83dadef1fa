// Kept MQTT 5 sessions in a live run: mosquitto stalls (SIGSTOP) while QoS 1 telemetry is in
// flight, every device's radio drops, the broker comes back; on reconnect the sessions are
// present and the unacknowledged publishes are sent again (DUP), counted once as resent and once
// as acknowledged, never as new publishes or failures.
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { runResolved } from '../../../src/app/run.js';
import type { Report } from '../../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { sumCounter } from '../../../src/metrics/source.js';

function counter(r: Report, name: string): number {
  return sumCounter(name, (n) => r.metrics.counters[n] ?? 0);
}

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'resending after a drop',
  () => {
    let broker: MosquittoHandle | null = null;
    afterEach(async () => {
      if (broker) process.kill(broker.pid, 'SIGCONT');
      await broker?.stop();
      broker = null;
    });

    it('resends what was in flight on a present session, and counts it once', async () => {
      broker = await startMosquitto();
      const b = broker;
      const device = {
        name: 'gw-kept',
        extends: 'gateway',
        connectivity: { protocol: 5, 'clean-session': false, 'session-expiry': '10m' },
        telemetry: { interval: '10s', qos: 1 },
      };
      // Speed 20: power-on over 20 s virtual (1 s real); the drop at 1m (3 s real) and 10 s long.
      const doc = {
        name: 'session-resend',
        seed: 9,
        mode: 'live',
        duration: '2m',
        fleet: [{ device, count: 20 }],
        'power-on': { spread: '20s' },
        live: { speed: 20 },
        faults: [{ type: 'radio-drop', who: '100%', at: '1m', duration: '10s' }],
      };
      const s = await resolveScenarioObject(doc, 'session-resend (in memory)', {
        env: {},
        overrides: { targetMqtt: [b.url] },
      });
      // The broker stops answering 1.5 s before the drop and comes back 0.5 s after it.
      const stop = setTimeout(() => process.kill(b.pid, 'SIGSTOP'), 1500);
      const resume = setTimeout(() => process.kill(b.pid, 'SIGCONT'), 3500);
      try {
        const { report } = await runResolved(s, { noFiles: true });
        expect(counter(report, 'mqtt_disconnects_total{reason="radio"}')).toBe(20);
        expect(counter(report, 'mqtt_session_present_total')).toBeGreaterThanOrEqual(20);
        const resent = counter(report, 'mqtt_publish_resent_total');
        expect(resent).toBeGreaterThan(0);
        expect(counter(report, 'mqtt_publish_failed_total{reason="disconnected"}')).toBe(0);
        // Every publish acknowledged once: a resend is neither a new publish nor a second ack.
        expect(counter(report, 'mqtt_publish_acked_total')).toBe(counter(report, 'mqtt_publish_total'));
      } finally {
        clearTimeout(stop);
        clearTimeout(resume);
      }
    }, 40_000);
  },
);
