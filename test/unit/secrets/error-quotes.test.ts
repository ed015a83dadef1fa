// Errors quote at most a short, flattened excerpt, and nothing of a credential or of a whole
// document that is not a mapping (`--profile /etc/passwd` must not print the file).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors/tool-error.js';
import { loadScenario } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-quotes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PASSWD = Array.from(
  { length: 30 },
  (_, i) => `user${i}:x:${1000 + i}:100::/home/user${i}:/bin/sh`,
).join('\n');

describe('what errors quote', () => {
  it('a long or multi-line value is cut to a short single-line excerpt', () => {
    const line = new ToolError('FLEETSTORM_ERR_CLI_ARGUMENT', 'bad', {
      got: `first\nsecond\u0007${'x'.repeat(500)}`,
    }).toLine();
    expect(line).not.toContain('\n');
    expect(line).not.toContain('\u0007');
    expect(line.length).toBeLessThan(200);
  });

  it('a profile that is some other file: its kind and size, not its content', async () => {
    const file = join(dir, 'passwd');
    await writeFile(file, PASSWD);
    const scenario = join(dir, 's.yaml');
    await writeFile(scenario, 'name: s\nfleet: [{ device: gateway, count: 1 }]\n');
    const e = await toolErrorOf(loadScenario(scenario, { env: {}, profile: file }));
    expect(e.code).toBe('FLEETSTORM_ERR_PROFILE');
    expect(e.toLine()).not.toContain('user0');
    expect(e.toLine()).toContain('characters');
  });

  it('a credential of the wrong shape is not quoted', async () => {
    const scenario = join(dir, 'pw.yaml');
    await writeFile(
      scenario,
      'name: s\nfleet:\n  - count: 1\n    device: { name: m, connectivity: { password: [hunter2-in-a-list] } }\n',
    );
    const e = await toolErrorOf(loadScenario(scenario, { env: {} }));
    expect(e.where).toContain('connectivity.password');
    expect(e.toLine()).not.toContain('hunter2');
  });
});
