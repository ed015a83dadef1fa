// Messages that used to mislead (hardening, "Messages"): each names the real problem and a fix.
import { describe, expect, it } from 'vitest';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const resolve = (doc: unknown, env: Record<string, string> = {}) =>
  resolveScenarioObject(doc, 'mem.yaml', { env });

describe('device types', () => {
  it('a self-extending inline type says so (not "unknown device type")', async () => {
    const e = await toolErrorOf(
      resolve({ name: 'x', fleet: [{ device: { name: 'a', extends: 'a' }, count: 5 }] }),
    );
    expect(e.message).toBe('device type `a` extends itself');
  });

  it('an inline type defined further down says the order', async () => {
    const fleet = [
      { device: { name: 'b', extends: 'c' }, count: 5 },
      { device: { name: 'c', extends: 'sensor' }, count: 5 },
    ];
    const e = await toolErrorOf(resolve({ name: 'x', fleet }));
    expect(e.message).toBe('`c` is defined inline further down the fleet');
    expect(e.fix).toContain('earlier fleet entry');
  });

  it('an inline type defined above can be extended', async () => {
    const fleet = [
      { device: { name: 'c', extends: 'sensor', firmware: '9.9.9' }, count: 5 },
      { device: { name: 'b', extends: 'c' }, count: 5 },
    ];
    const s = await resolve({ name: 'x', fleet });
    expect(s.deviceTypes.b?.firmware).toBe('9.9.9');
  });

  it('a path in extends is refused without suggesting to create it', async () => {
    const doc = {
      name: 'x',
      fleet: [{ device: { name: 'd', extends: '../../../../etc/hostname' }, count: 5 }],
    };
    const e = await toolErrorOf(resolve(doc));
    expect(e.message).toBe('not a device type name');
    expect(e.fix).not.toContain('create');
    expect(e.fix).not.toContain('etc/hostname');
  });
});

it('FLEETSTORM_PROFILE is named as itself, not as --profile', async () => {
  const e = await toolErrorOf(
    resolve({ name: 'x', fleet: [{ device: 'sensor', count: 5 }] }, { FLEETSTORM_PROFILE: 'nope' }),
  );
  expect(e.where).toBe('FLEETSTORM_PROFILE');
});

it.each([
  [{ name: 'x', fleet: [5] }],
  [{ name: 'x', fleet: [{ device: 'sensor', count: 5 }], thresholds: [7] }],
  [{ name: 'x', fleet: [{ device: 'sensor', count: 5 }], 'power-on': 5 }],
])('a value of the wrong shape carries a fix (%j)', async (doc) => {
  const e = await toolErrorOf(resolve(doc));
  expect(e.fix).toBeTruthy();
  expect(e.toLine()).toMatch(/; fix: \S/);
});
