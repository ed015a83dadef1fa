// --processes N: each child gets 1/N of every target.limits value (the limits hold for the whole
// run), and keeps the run's --resolve map.
import { expect, it } from 'vitest';
import { childScenario } from '../../../src/app/multi-process.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

it('shares each limit out over the processes and keeps the host map', async () => {
  const doc = {
    name: 'p',
    mode: 'live',
    duration: '1m',
    fleet: [{ device: 'gateway', count: 10 }],
    live: { speed: 10, processes: 4 },
    target: {
      mqtt: 'mqtt://b.test:1883',
      resolve: { 'b.test': '127.0.0.2' },
      limits: { connections: 10, 'connect-rate': '200/s', bandwidth: '8Mbit/s' },
    },
  };
  const s = await resolveScenarioObject(doc, 'mem', { env: {} });
  const targets = { mqttUrls: s.target.mqttUrls, httpUrl: null, backend: null, proxied: null };
  const c = childScenario(s, 1, targets);
  expect(c.shard).toEqual({ index: 1, count: 4 });
  expect(c.target.resolve).toEqual({ 'b.test': '127.0.0.2' });
  expect(c.target.limits).toEqual({
    connections: 2,
    connectRatePerSec: 50,
    publishRatePerSec: null,
    requestRatePerSec: null,
    bandwidthBytesPerSec: 250_000,
  });
});
