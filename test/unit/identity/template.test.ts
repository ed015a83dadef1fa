import { describe, expect, it } from 'vitest';
import { compileTemplate, isConstantTemplate, type DeviceFacts } from '../../../src/identity/template.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const facts: DeviceFacts = { index: 42, type: 'sensor', id: 'sensor-42', shard: 3, run: 'fsab12cd', seq: 7 };

describe('compileTemplate', () => {
  it.each([
    ['{run}-{index}', 'fsab12cd-42'],
    ['{type}-{index:06}', 'sensor-000042'],
    ['{id}', 'sensor-42'],
    ['devices/{id}/s{shard:03}/{seq:04}', 'devices/sensor-42/s003/0007'],
    ['plain', 'plain'],
    ['', ''],
    ['{{literal}} {index}}}', '{literal} 42}'],
    ['{index:02}', '42'],
  ])('%s → %s', (src, want) => {
    expect(compileTemplate(src, 'x')(facts)).toBe(want);
  });

  it('fills per device, not once', () => {
    const t = compileTemplate('{type}-{index:03}', 'x');
    expect(t({ ...facts, index: 1 })).toBe('sensor-001');
    expect(t({ ...facts, index: 1234, type: 'gw' })).toBe('gw-1234');
  });

  it('substitutes load-time constants', () => {
    const t = compileTemplate('{hub}.azure-devices.net/devices/{id}', 'x', { constants: { hub: 'myhub' } });
    expect(t(facts)).toBe('myhub.azure-devices.net/devices/sensor-42');
  });

  it.each([
    ['{nope}', 'unknown placeholder {nope}'],
    ['{index', 'never closed'],
    ['a}b', "lone '}'"],
    ['{type:04}', 'is text and takes no width'],
    ['{index:6}', 'unknown placeholder'],
    ['{}', 'unknown placeholder'],
  ])('refuses %s at compile time', async (src, what) => {
    const e = await toolErrorOf(() => compileTemplate(src, 'device-types.sensor.connectivity.client-id'));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toBe('device-types.sensor.connectivity.client-id');
    expect(e.message).toContain(what);
    expect(e.fix).toContain('{index:06}');
    expect(e.fix).toContain('{seq}');
  });

  it('does not quote a secret template in its error', async () => {
    const e = await toolErrorOf(() => compileTemplate('s3cr3t-{bogus', 'p', { secret: true }));
    expect(e.toLine()).not.toContain('s3cr3t');
    const e2 = await toolErrorOf(() => compileTemplate('{s3cr3t}', 'p', { secret: true }));
    expect(e2.toLine()).not.toContain('s3cr3t');
  });

  it('knows constant templates', () => {
    expect(isConstantTemplate('a{{b}}', 'x')).toBe(true);
    expect(isConstantTemplate('a{index}', 'x')).toBe(false);
  });
});
