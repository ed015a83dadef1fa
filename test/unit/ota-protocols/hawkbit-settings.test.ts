// `ota.hawkbit`: resolved settings, one token kind at a time, token templates checked at load
// time, and the tokens counted as secrets a replay must be allowed to send.
import { describe, expect, it } from 'vitest';
import { secretRefsOf } from '../../../src/identity/check.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const scenario = (hawkbit: Record<string, unknown>) =>
  resolveScenarioObject(
    {
      name: 'hawkbit-settings',
      duration: '1h',
      fleet: [
        { device: { name: 'hb', extends: 'sensor', ota: { protocol: 'hawkbit-ddi', hawkbit } }, count: 10 },
      ],
    },
    'hawkbit-settings (in memory)',
    { env: {}, overrides: {} },
  );

describe('ota.hawkbit', () => {
  it('resolves tenant, target-token and polling-sleep; the tokens are secrets of the scenario', async () => {
    const s = await scenario({
      tenant: 'acme',
      'target-token': '${file:tokens/{id}.txt}',
      'polling-sleep': '5m',
    });
    expect(s.deviceTypes.hb?.ota.hawkbit).toEqual({
      tenant: 'acme',
      targetToken: '${file:tokens/{id}.txt}',
      gatewayToken: null,
      pollingSleepUs: 300e6,
    });
    expect(secretRefsOf(s)).toEqual(['${file:tokens/{id}.txt}']);
    const gw = await scenario({ 'gateway-token': '${env:HAWKBIT_GATEWAY_TOKEN}' });
    expect(gw.deviceTypes.hb?.ota.hawkbit).toMatchObject({
      tenant: 'DEFAULT',
      gatewayToken: '${env:HAWKBIT_GATEWAY_TOKEN}',
    });
    expect(secretRefsOf(gw)).toEqual(['${env:HAWKBIT_GATEWAY_TOKEN}']);
  });

  it('refuses both token kinds at once, naming the block', async () => {
    const e = await toolErrorOf(scenario({ 'target-token': 'a', 'gateway-token': 'b' }));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.message).toContain('one token');
    expect(e.where).toContain('ota.hawkbit');
  });

  it('refuses a token template naming an unknown device fact', async () => {
    const e = await toolErrorOf(scenario({ 'target-token': 'tok-{nope}' }));
    expect(e.where).toContain('ota.hawkbit.target-token');
  });
});
