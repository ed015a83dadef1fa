// telemetry `user-properties` and `message-expiry`: inherited by streams, resolved to ordered
// pairs and whole seconds, and refused at load time with the field path of the mistake.
import { describe, expect, it } from 'vitest';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

function load(telemetry: Record<string, unknown>) {
  const doc = { name: 'props', fleet: [{ count: 2, device: { name: 'meter', telemetry } }] };
  return resolveScenarioObject(doc, 'props (in memory)', { env: {} });
}

describe('telemetry user properties and message expiry', () => {
  it('are inherited by streams in order and may be overridden per stream', async () => {
    const s = await load({
      'user-properties': { site: 'plant-{shard}', dev: '{id}' },
      'message-expiry': '90s',
      streams: [{}, { 'user-properties': { only: '{type}' }, 'message-expiry': '1500ms' }],
    });
    const [a, b] = s.deviceTypes.meter?.telemetry.streams ?? [];
    expect(a?.userProperties).toEqual([
      ['site', 'plant-{shard}'],
      ['dev', '{id}'],
    ]);
    expect(a?.messageExpirySec).toBe(90);
    expect(b?.userProperties).toEqual([['only', '{type}']]);
    expect(b?.messageExpirySec).toBe(2); // whole seconds, rounded up
  });

  it('default to none', async () => {
    const s = await load({ interval: '1m' });
    expect(s.deviceTypes.meter?.telemetry).toMatchObject({ userProperties: [], messageExpirySec: null });
  });

  it('refuse an unknown placeholder, a fleetstorm- name and a zero expiry, with the path', async () => {
    const placeholder = await toolErrorOf(load({ 'user-properties': { site: '{serial}' } }));
    expect(placeholder.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(placeholder.where).toContain('telemetry.user-properties.site');
    const reserved = await toolErrorOf(load({ streams: [{ 'user-properties': { 'fleetstorm-seq': '1' } }] }));
    expect(reserved.where).toContain('telemetry.streams[0].user-properties.fleetstorm-seq');
    const zero = await toolErrorOf(load({ 'message-expiry': '0s' }));
    expect(zero.where).toContain('telemetry.message-expiry');
  });
});
