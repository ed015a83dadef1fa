// Finding files: JSON scenarios, device types next to the scenario, search order, validate.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, validateFiles } from '../../../src/scenario/index.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-load-'));
  await mkdir(join(dir, 'devices'));
  await mkdir(join(dir, 'other'));
  const files: Record<string, string> = {
    's.json': JSON.stringify({
      $schema: './schema.json',
      name: 'from-json',
      fleet: [
        { device: 'sensor', count: 3 },
        { device: 'local', count: 2 },
      ],
    }),
    'devices/local.yaml': 'extends: gateway\nfirmware: 9.9.9\n',
    'devices/sensor.yaml': 'radio: { profile: wifi }\n',
    'other/local.yaml': 'firmware: 1.0.0-other\n',
    'free.yaml': 'radio: { profile: ethernet }\n',
  };
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadScenario finds its files', () => {
  it('reads JSON, ignores $schema, and prefers device types next to the scenario', async () => {
    const s = await loadScenario(join(dir, 's.json'), { env: {} });
    expect(s.name).toBe('from-json');
    expect(s.deviceTypes.sensor!.radio.profile).toBe('wifi');
    expect(s.deviceTypes.local!.firmware).toBe('9.9.9');
    expect(s.deviceTypes.local!.radio.profile).toBe('ethernet');
  });

  it('searches devicesDir first', async () => {
    const s = await loadScenario(join(dir, 's.json'), { env: {}, devicesDir: join(dir, 'other') });
    expect(s.deviceTypes.local!.firmware).toBe('1.0.0-other');
  });

  it('validates device files that extend a built-in type, and files recognised by shape', async () => {
    const results = await validateFiles([join(dir, 'devices', 'local.yaml'), join(dir, 'free.yaml')]);
    expect(results.map((r) => [r.kind, r.ok])).toEqual([
      ['device-type', true],
      ['device-type', true],
    ]);
  });
});
