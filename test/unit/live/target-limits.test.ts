// How target.limits reach the live sides: the MQTT socket cap leaves room for the end-to-end
// subscriber, HTTP connections per origin are capped too, a connection wait counts only when the
// limit (not live.max-concurrent-connections) is what held it; and a plan's peaks against them.
import { describe, expect, it } from 'vitest';
import { checkLimits } from '../../../src/app/plan/index.js';
import type { Plan } from '../../../src/app/plan/index.js';
import { LiveContext } from '../../../src/live/context.js';
import { liveLimits } from '../../../src/live/target-limits.js';
import { VirtualClock } from '../../../src/live/vclock.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import { C } from '../../../src/metrics/catalog.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

async function scenarioWith(limits: Record<string, unknown>, maxConcurrent = 1000) {
  const doc = {
    name: 'limits',
    mode: 'live',
    duration: '1m',
    fleet: [{ device: 'gateway', count: 10 }],
    live: { speed: 10, 'max-concurrent-connections': maxConcurrent },
    target: { mqtt: ['mqtt://a.test:1883', 'mqtt://b.test:1883'], limits },
  };
  return resolveScenarioObject(doc, 'mem', { env: {} });
}

describe('liveLimits', () => {
  it('caps device sockets at the limit minus the subscribers, HTTP at the limit', async () => {
    const s = await scenarioWith({ connections: 50 });
    const ctx = new LiveContext(new VirtualClock(10), new Recorder(), 'run');
    const l = liveLimits(s, ctx, 2);
    expect(l.mqttMaxConcurrent).toBe(48);
    expect(l.http.connectionsPerOrigin).toBe(50);
    expect(l.limiter).toBeNull(); // no rate limits: nothing to pace
    l.mqtt.limiter?.connectionWaited();
    expect(ctx.rec.snapshot().counters[C['target_limit_delayed_total{limit="connections"}']]).toBe(1);
  });

  it('does not count waits that live.max-concurrent-connections caused', async () => {
    const s = await scenarioWith({ connections: 5000 }, 100);
    const ctx = new LiveContext(new VirtualClock(10), new Recorder(), 'run');
    const l = liveLimits(s, ctx, 2);
    expect(l.mqttMaxConcurrent).toBe(100);
    l.mqtt.limiter?.connectionWaited();
    expect(ctx.rec.snapshot().counters[C['target_limit_delayed_total{limit="connections"}']] ?? 0).toBe(0);
  });
});

describe('checkLimits', () => {
  it('compares each set limit with its peak (connections with the subscribers)', async () => {
    const s = await scenarioWith({ connections: 11, 'connect-rate': '5/s' });
    const peak = (value: number) => ({ value, atUs: 0, atRealSec: 0 });
    const plan: Plan = {
      scenario: 'limits',
      devices: 10,
      durationUs: 60e6,
      targets: null,
      envelope: {
        resolutionRealSec: 1,
        resolutionUs: 10e6,
        speed: 10,
        peaks: {
          connections: peak(10),
          connectsPerSec: peak(5),
          publishesPerSec: peak(1),
          requestsPerSec: peak(0),
          bytesPerSec: peak(100),
        },
        totals: { connects: 10, publishes: 1, requests: 0, bytes: 100 },
        publishBytes: 100,
      },
    };
    expect(checkLimits(plan, s)).toEqual([
      expect.objectContaining({ key: 'connections', planned: 12, ok: false }),
      expect.objectContaining({ key: 'connect-rate', planned: 5, ok: true }),
    ]);
  });
});
