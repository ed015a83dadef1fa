// `certs --scenario` numbers devices as the engines do: global index over the fleet groups in
// order, each with its group's device type (so `{type}-{index}` files match the run's `{id}`).
import { describe, expect, it } from 'vitest';
import { fleetDevicesOf } from '../../../src/certs/fleet-devices.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

describe('fleetDevicesOf', () => {
  it('lists every device of every group with its type, in fleet order', async () => {
    const s = await resolveScenarioObject(
      {
        name: 'two-groups',
        duration: '1m',
        fleet: [
          { device: 'gateway', count: 2 },
          { device: 'sensor', count: 3 },
        ],
      },
      'mem',
      { env: {} },
    );
    expect(fleetDevicesOf(s).map((d) => `${d.type}-${d.index}`)).toEqual([
      'gateway-0',
      'gateway-1',
      'sensor-2',
      'sensor-3',
      'sensor-4',
    ]);
  });
});
