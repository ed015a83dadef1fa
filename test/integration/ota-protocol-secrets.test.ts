// The OTA protocols' credentials written literally in a scenario (Mender's tenant token,
// hawkBit's gateway and target tokens) appear in no artifact of the run.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const device = (name: string, ota: Record<string, unknown>): Record<string, unknown> => ({
  count: 20,
  device: { name, ota: { discovery: 'poll', ...ota } },
});

describe('OTA protocol credentials', () => {
  it('are masked in every report file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-ota-secrets-'));
    const doc = {
      name: 'ota-secrets',
      seed: 3,
      duration: '2h',
      fleet: [
        device('menders', { protocol: 'mender', mender: { 'tenant-token': 'tenant-s3cret-planted' } }),
        device('gateways', {
          protocol: 'hawkbit-ddi',
          hawkbit: { 'gateway-token': 'gateway-s3cret-planted' },
        }),
        device('targets', {
          protocol: 'hawkbit-ddi',
          hawkbit: { 'target-token': 'target-s3cret-planted-{id}' },
        }),
      ],
      rollout: { firmware: { version: '2.0.0', size: '1MiB' }, start: '10m', waves: ['100%'] },
    };
    const s = await resolveScenarioObject(doc, 'ota-secrets (in memory)', { env: {} });
    const { report } = await runResolved(s, { outDir: dir });
    expect(report.metrics.counters['ota_offered_total'] ?? 0).toBeGreaterThan(0);
    const names = (await readdir(dir, { recursive: true })).filter((n) => n.includes('.'));
    expect(names).toEqual(expect.arrayContaining(['report.json', 'summary.txt', 'junit.xml', 'report.html']));
    for (const name of names) {
      const text = await readFile(join(dir, name), 'utf8');
      expect(text, name).not.toContain('s3cret-planted');
    }
  }, 60_000);
});
