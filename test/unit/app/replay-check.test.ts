// `replay` of a hand-edited report (hardening, finding 13 and the class behind it): a resolved
// scenario that misses a field or holds a wrong type is one line, before anything runs.
import { describe, expect, it } from 'vitest';
import { checkReplayableShape, checkTypesCompile } from '../../../src/app/replay-check.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

async function scenario(): Promise<Record<string, any>> {
  const doc = {
    name: 'x',
    fleet: [{ device: 'sensor', count: 5 }],
    rollout: { firmware: { version: '2.0.0', size: '1MiB' }, waves: ['100%'] },
  };
  return JSON.parse(JSON.stringify(await resolveScenarioObject(doc, 'x.yaml', { env: {} })));
}

describe('the device types of a report', () => {
  it('compile as written; one that does not is one line naming the type', async () => {
    const s = await scenario();
    checkTypesCompile(s.deviceTypes, 'r.json');
    s.deviceTypes.sensor.commands = 7; // a part the shape examples do not cover
    let caught: unknown = null;
    try {
      checkTypesCompile(s.deviceTypes, 'r.json');
    } catch (e) {
      caught = e;
    }
    const e = await toolErrorOf(Promise.reject(caught as Error));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toContain('deviceTypes.sensor does not compile');
  });
});

describe('the resolved scenario of a report', () => {
  it('passes as written, also with --speed max (null in JSON)', async () => {
    const s = await scenario();
    await checkReplayableShape(s, 'r.json');
    s.live.speed = null;
    await checkReplayableShape(s, 'r.json');
  });

  it('refuses a missing field', async () => {
    const s = await scenario();
    delete s.deviceTypes.sensor.telemetry;
    const e = await toolErrorOf(checkReplayableShape(s, 'r.json'));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toContain('scenario.deviceTypes.sensor.telemetry is missing');
  });

  it.each([
    ['rollout.selector.fromVersions', (s: Record<string, any>) => (s.rollout.selector.fromVersions = 5)],
    ['backend.connect.ratePerSec', (s: Record<string, any>) => (s.backend.connect.ratePerSec = 'fast')],
    ['fleet[0].count', (s: Record<string, any>) => (s.fleet[0].count = '5')],
    [
      'deviceTypes.sensor.connectivity.backoff.baseUs',
      (s: Record<string, any>) => (s.deviceTypes.sensor.connectivity.backoff.baseUs = -5),
    ],
    [
      'deviceTypes.sensor.telemetry.intervalUs',
      (s: Record<string, any>) => (s.deviceTypes.sensor.telemetry.intervalUs = 0),
    ],
  ])('refuses a wrong type at %s', async (field, edit) => {
    const s = await scenario();
    edit(s);
    const e = await toolErrorOf(checkReplayableShape(s, 'r.json'));
    expect(e.message).toContain(`scenario.${field} must be`);
  });
});

it('every shipped scenario, with every profile, passes', async () => {
  const { readdirSync } = await import('node:fs');
  const { loadScenario } = await import('../../../src/scenario/index.js');
  for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml'))) {
    for (const profile of [undefined, 'smoke', 'ci', 'nightly', 'capacity']) {
      const s = await loadScenario(`scenarios/${f}`, { env: {}, ...(profile ? { profile } : {}) });
      await checkReplayableShape(JSON.parse(JSON.stringify(s)), `${f} ${profile ?? ''}`);
    }
  }
});
