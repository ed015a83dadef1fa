// target.resolve / --resolve / FLEETSTORM_RESOLVE and target.limits as the resolver reads them,
// from the scenario, a profile's overlay and the command line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const base = (target: Record<string, unknown> = {}) => ({
  name: 't',
  mode: 'live',
  duration: '1m',
  fleet: [{ device: 'gateway', count: 10 }],
  target,
});

describe('target.resolve and --resolve', () => {
  it('maps names (lower-cased) to IPv4 and IPv6 addresses, flags over the scenario', async () => {
    const s = await resolveScenarioObject(base({ resolve: { 'a.example': '10.0.0.1' } }), 'mem', {
      env: {},
      overrides: { resolve: ['Broker.Staging.Test:127.0.0.2', 'v6.test:[::1]', 'a.example:127.0.0.3'] },
    });
    expect(s.target.resolve).toEqual({
      'a.example': '127.0.0.3',
      'broker.staging.test': '127.0.0.2',
      'v6.test': '::1',
    });
  });

  it('reads FLEETSTORM_RESOLVE (comma-separated)', async () => {
    const s = await resolveScenarioObject(base(), 'mem', {
      env: { FLEETSTORM_RESOLVE: 'x.test:127.0.0.2, y.test:127.0.0.3' },
    });
    expect(s.target.resolve).toEqual({ 'x.test': '127.0.0.2', 'y.test': '127.0.0.3' });
  });

  it('refuses an entry that is not NAME:ADDR, naming the flag', async () => {
    for (const bad of ['broker.staging.test', 'broker:not-an-ip', ':127.0.0.1']) {
      const e = await toolErrorOf(
        resolveScenarioObject(base(), 'mem', { env: {}, overrides: { resolve: [bad] } }),
      );
      expect(e.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
      expect(e.where).toBe('--resolve');
    }
  });

  it('refuses an address that is not an IP in the scenario', async () => {
    const e = await toolErrorOf(
      resolveScenarioObject(base({ resolve: { 'a.test': 'b.test' } }), 'mem', { env: {} }),
    );
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.toLine()).toContain('target.resolve');
  });
});

describe('target.limits', () => {
  it('reads the unit fields into engine units', async () => {
    const limits = {
      connections: 5000,
      'connect-rate': '200/s',
      'publish-rate': '60k/min',
      'request-rate': 50,
      bandwidth: '10Mbit/s',
    };
    const s = await resolveScenarioObject(base({ limits }), 'mem', { env: {} });
    expect(s.target.limits).toEqual({
      connections: 5000,
      connectRatePerSec: 200,
      publishRatePerSec: 1000,
      requestRatePerSec: 50,
      bandwidthBytesPerSec: 1_250_000,
    });
  });

  it('refuses an unreadable rate with the field path', async () => {
    const e = await toolErrorOf(
      resolveScenarioObject(base({ limits: { 'connect-rate': 'fast' } }), 'mem', { env: {} }),
    );
    expect(e.toLine()).toContain('target.limits.connect-rate');
  });
});

describe("a profile's target", () => {
  it('replaces the URLs and goes over resolve entries and limits field by field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-profile-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const profile = join(dir, 'staging.yaml');
    await writeFile(
      profile,
      [
        'target:',
        '  mqtt: mqtts://broker.staging.test:8883',
        '  resolve: { broker.staging.test: 127.0.0.2 }',
        "  limits: { 'connect-rate': 50/s }",
      ].join('\n'),
    );
    const doc = base({
      mqtt: 'mqtt://localhost:1883',
      resolve: { 'other.test': '127.0.0.3' },
      limits: { connections: 100, 'connect-rate': '500/s' },
    });
    const s = await resolveScenarioObject(doc, 'mem', { env: {}, profile });
    expect(s.target.mqttUrls).toEqual(['mqtts://broker.staging.test:8883']);
    expect(s.target.resolve).toEqual({ 'other.test': '127.0.0.3', 'broker.staging.test': '127.0.0.2' });
    expect(s.target.limits).toMatchObject({ connections: 100, connectRatePerSec: 50 });
  });
});
