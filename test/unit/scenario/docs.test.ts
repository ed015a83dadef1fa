// docs/scenario-reference.md names every key of the scenario, device type and profile schemas.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { deviceTypeSchema, profileSchema, scenarioSchema } from '../../../src/scenario/index.js';

function keysOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keysOf(n, out));
  else if (typeof node === 'object' && node !== null) {
    const n = node as Record<string, unknown>;
    if (typeof n.properties === 'object' && n.properties !== null) {
      Object.keys(n.properties).forEach((k) => out.add(k));
    }
    Object.values(n).forEach((v) => keysOf(v, out));
  }
  return out;
}

describe('docs/scenario-reference.md', () => {
  it('documents every key', async () => {
    const doc = await readFile('docs/scenario-reference.md', 'utf8');
    const keys = new Set<string>();
    for (const schema of [scenarioSchema, deviceTypeSchema, profileSchema]) {
      keysOf(z.toJSONSchema(schema, { io: 'input' }), keys);
    }
    const escape = (s: string) => s.replace(/[$.*+?^(){}|[\]\\]/g, '\\$&');
    const missing = [...keys].filter(
      (k) => !new RegExp(`\`[^\`\\n]*(?<![\\w-])${escape(k)}(?![\\w-])[^\`\\n]*\``).test(doc),
    );
    expect(missing).toEqual([]);
  });
});
