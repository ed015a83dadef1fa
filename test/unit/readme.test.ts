// The README documents every error code, every metric and every exit code the tool has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/codes.js';
import { EXIT } from '../../src/errors/exit-codes.js';
import { COUNTERS, DERIVED, HISTOGRAMS } from '../../src/metrics/catalog.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the two commands a newcomer needs', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
  });

  it('has a row for every error code', () => {
    for (const code of Object.keys(ERROR_CODES))
      expect(readme, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|`));
  });

  it('lists every exit code', () => {
    for (const code of Object.values(EXIT)) expect(readme).toMatch(new RegExp(`\\|\\s*${code}\\s*\\|`));
  });

  it('names every metric', () => {
    const families = new Set(COUNTERS.map((c) => c.replace(/\{.*$/, '')));
    for (const name of [...HISTOGRAMS, ...families, ...DERIVED]) expect(readme, name).toContain(`\`${name}`);
  });
});
