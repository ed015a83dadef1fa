// telemetry: the shorthand is one stream; `streams` inherit its fields; topic and payload
// templates are checked at load time with the field path of the mistake.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-telemetry-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scenarioWith(telemetry: string, name: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const lines = ['fleet:', '  - count: 3', '    device:', '      name: meter', '      telemetry:'];
  await writeFile(
    file,
    [`name: ${name}`, ...lines, ...telemetry.split('\n').map((l) => `        ${l}`)].join('\n'),
  );
  return file;
}

describe('telemetry streams', () => {
  it('keeps the shorthand as one stream with the default topic', async () => {
    const s = await loadScenario(await scenarioWith('interval: 1m\npayload: 40B', 'short'), { env: {} });
    const t = s.deviceTypes.meter?.telemetry;
    expect(t?.streams).toHaveLength(1);
    expect(t).toMatchObject({
      intervalUs: 60e6,
      topic: null,
      template: null,
      payloadBytes: { min: 40, max: 40 },
    });
  });

  it('lets each stream inherit and override, and sizes a template by a sample render', async () => {
    const yaml = [
      'interval: 1m',
      'qos: 0',
      'streams:',
      '  - topic: devices/{id}/telemetry',
      '    payload: { json: { id: { device: id }, t: { uniform: { min: 0, max: 9, decimals: 0 } } } }',
      '  - interval: 1h',
      '    qos: 1',
      '    topic: devices/{id}/status',
      '    payload: { text: "up {seq}" }',
    ].join('\n');
    const s = await loadScenario(await scenarioWith(yaml, 'streams'), { env: {} });
    const [a, b] = s.deviceTypes.meter?.telemetry.streams ?? [];
    expect(a).toMatchObject({ intervalUs: 60e6, qos: 0, topic: 'devices/{id}/telemetry' });
    expect(a?.payloadBytes.min).toBe('{"id":"meter-0","t":0}'.length);
    expect(b).toMatchObject({ intervalUs: 3600e6, qos: 1, template: { text: 'up {seq}' } });
  });

  it('refuses a bad generator and a bad topic placeholder with their paths', async () => {
    const bad = await toolErrorOf(
      loadScenario(
        await scenarioWith('streams:\n  - payload: { json: { t: { sine: { min: 0 } } } }', 'bad'),
        {
          env: {},
        },
      ),
    );
    expect(bad.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(bad.where).toContain('telemetry.streams[0].payload.json.t.sine.period-s');
    const topic = await toolErrorOf(
      loadScenario(await scenarioWith('topic: devices/{serial}', 'topic'), { env: {} }),
    );
    expect(topic.where).toContain('telemetry.topic');
  });
});
