// A long scenario name makes a report folder name a file system accepts (hardening, finding 13:
// a 5,000-character name ended the run with ENAMETOOLONG, exit 3).
import { basename } from 'node:path';
import { expect, it } from 'vitest';
import { defaultOutDir } from '../../../src/app/run.js';
import { makeScenario } from '../reports/fixtures.js';

it('cuts the scenario name so the folder name fits in 255 bytes', () => {
  const dir = defaultOutDir(makeScenario({ name: 'x'.repeat(5000) }), new Date(0));
  expect(Buffer.byteLength(basename(dir))).toBeLessThan(255);
  expect(basename(dir)).toMatch(/^19700101-000000-x+$/);
});

it('never names a hidden folder or a parent', () => {
  const dir = defaultOutDir(makeScenario({ name: '../..' }), new Date(0));
  expect(dir.startsWith('reports/')).toBe(true);
  expect(dir.split('/')).toHaveLength(2);
  expect(basename(dir)).toMatch(/^19700101-000000-/);
});
