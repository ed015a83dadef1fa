// Locating target hosts without the network: IP literals, --resolve entries, an injected DNS
// lookup; a name that does not resolve is exit 3, `.invalid` is never looked up, an unspecified
// or multicast address is refused (exit 2), and the printed lines carry no URL credentials.
import { describe, expect, it } from 'vitest';
import {
  describeTargets,
  hasRemoteTarget,
  locateHost,
  locateTargets,
  type LookupAll,
} from '../../../src/live/target-hosts.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const never: LookupAll = () => Promise.reject(new Error('no lookup expected'));

async function scenario(mqtt: string, resolve: string[] = []) {
  const doc = { name: 't', mode: 'live', duration: '1m', fleet: [{ device: 'gateway', count: 1 }] };
  return resolveScenarioObject(doc, 'mem', { env: {}, overrides: { targetMqtt: [mqtt], resolve } });
}

describe('locateHost', () => {
  it('takes literals and --resolve entries as they are, names through the lookup', async () => {
    expect(await locateHost('::1', {}, 'w', never)).toEqual({ addresses: ['::1'], via: 'literal' });
    expect(await locateHost('B.Test', { 'b.test': '127.0.0.2' }, 'w', never)).toEqual({
      addresses: ['127.0.0.2'],
      via: 'resolve',
    });
    const lookup: LookupAll = (h) => Promise.resolve(h === 'c.test' ? ['127.0.0.3', '::1'] : []);
    expect(await locateHost('c.test', {}, 'w', lookup)).toEqual({
      addresses: ['127.0.0.3', '::1'],
      via: 'dns',
    });
  });

  it('a name that does not resolve is TARGET_UNREACHABLE (exit 3), naming --resolve', async () => {
    const lookup: LookupAll = () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' }));
    const e = await toolErrorOf(locateHost('nope.test', {}, 'target mqtt', lookup));
    expect(e.exitCode).toBe(3);
    expect(e.toLine()).toContain('nope.test (ENOTFOUND)');
    expect(e.fix).toContain('--resolve');
    const invalid = await toolErrorOf(locateHost('broker.example.invalid', {}, 'target mqtt', never));
    expect(invalid.code).toBe('FLEETSTORM_ERR_TARGET_UNREACHABLE');
  });
});

describe('locateTargets', () => {
  it('refuses unspecified and multicast addresses (exit 2), also behind --resolve', async () => {
    for (const s of [
      await scenario('mqtt://0.0.0.0:1883'),
      await scenario('mqtt://b.test:1883', ['b.test:224.0.0.1']),
    ]) {
      const e = await toolErrorOf(locateTargets(s, never));
      expect(e.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
      expect(e.exitCode).toBe(2);
    }
  });

  it('prints host, port and addresses without the URL credentials', async () => {
    const s = await scenario('mqtt://user:s3cret@b.test:1884', ['b.test:127.0.0.2']);
    const lines = describeTargets(await locateTargets(s, never));
    expect(lines).toEqual(['mqtt b.test:1884 → 127.0.0.2 (--resolve)']);
    expect(hasRemoteTarget(s)).toBe(true);
    expect(hasRemoteTarget(await scenario('mqtt://127.0.0.1:1883'))).toBe(false);
  });
});
