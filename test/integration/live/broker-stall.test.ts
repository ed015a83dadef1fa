// No coordinated omission: a broker that stalls for two seconds (SIGSTOP, then SIGCONT) must
// show up as multi-second publish latencies measured from the intended send time, and nothing
// sent during the stall may disappear from the counts. Speed 10, so the devices' 60 s keepalive
// (6 s real) outlasts the stall: at speed 60 it is 1 s real and the devices rightly give their
// sessions up during a 2 s stall.
import { afterEach, describe, expect, it } from 'vitest';
import { runLive } from '../../../src/app/live-engine.js';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { liveScenario } from './live-helpers.js';

describe.skipIf(!mosquittoInstalled() || process.env.FLEETSTORM_SKIP_MOSQUITTO === '1')(
  'a stalled broker',
  () => {
    let broker: MosquittoHandle | null = null;
    afterEach(async () => {
      if (broker) process.kill(broker.pid, 'SIGCONT');
      await broker?.stop();
      broker = null;
    });

    it('shows as multi-second latencies from the intended send time, and every publish is counted', async () => {
      broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
      const b = broker;
      // 60 gateways publish once a virtual minute: 10 publishes per real second at speed 10,
      // from ~6 s real on (power-on spread 30 s virtual, then one interval).
      const s = await liveScenario({ devices: 60, duration: '2m', speed: 10 }, { targetMqtt: [b.url] });
      const stall = setTimeout(() => {
        process.kill(b.pid, 'SIGSTOP');
        setTimeout(() => process.kill(b.pid, 'SIGCONT'), 2000);
      }, 7000);
      try {
        const r = await runLive(s, { workers: 1 });
        expect(r.status).toBe('completed');
        const ack = r.agg.histogram('mqtt_publish_ack_duration_us');
        expect(ack.maxValue).toBeGreaterThan(1_500_000); // the stall is in the latencies
        expect(ack.getValueAtPercentile(50)).toBeLessThan(1_000_000); // and not everywhere
        expect(r.agg.counter('mqtt_disconnects_total')).toBe(0);
        expect(r.agg.counter('mqtt_publish_failed_total')).toBe(0);
        expect(r.live.acked).toBe(r.live.sent); // nothing sent during the stall was lost
      } finally {
        clearTimeout(stall);
      }
    }, 60_000);
  },
);
