// Virtual mode counts mqtt_session_present_total as live mode's CONNACK does: the modelled broker
// keeps a persistent session (clean-session: false) for good, so every connect after a device's
// first finds it; a clean session never does.
import { expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { CLEAN_GATEWAY as CLEAN } from '../../helpers/storm-device.js';

it('every reconnect of a kept session finds it; first connects and clean sessions do not', async () => {
  const s = await resolveScenarioObject(
    {
      name: 'session-present',
      seed: 9,
      duration: '30m',
      interval: '1m',
      fleet: [
        { device: 'gateway', count: 200 }, // clean-session: false
        { device: CLEAN, count: 100 },
      ],
      'power-on': { spread: '1m' },
      faults: [
        { type: 'backend-outage', at: '10m', duration: '2m' },
        { type: 'backend-outage', at: '20m', duration: '1m' },
      ],
    },
    'session-present',
    { env: {} },
  );
  const { report } = await runResolved(s, { noFiles: true });
  const c = report.metrics.counters;
  // 300 first connects, 300 after each outage: the 200 kept sessions are found twice each
  expect(c.mqtt_connect_success_total).toBe(900);
  expect(c.mqtt_session_present_total).toBe(400);
}, 60_000);
