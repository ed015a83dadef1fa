// docs/scenario-reference.md lists every template variable and generator the code accepts: a new
// generator, timestamp format, device fact, marker or placeholder fails this test until documented.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_PLACEHOLDERS } from '../../../src/identity/template.js';
import { DEVICE_FACTS, GENERATORS, MARKERS, TIMESTAMP_FORMATS } from '../../../src/payload/generators.js';
import { MEASUREMENT_PROPERTY } from '../../../src/payload/measurement.js';

describe('the scenario reference lists every template variable and generator', () => {
  it('names each one in code format', async () => {
    const doc = await readFile('docs/scenario-reference.md', 'utf8');
    const code = [...doc.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string).join('\n');
    const wanted = [
      ...GENERATORS.map((g) => `${g}:`),
      ...TIMESTAMP_FORMATS,
      ...DEVICE_FACTS.map((f) => `{ device: ${f} }`),
      ...MARKERS.map((m) => `{ fleetstorm: ${m} }`),
      ...TEMPLATE_PLACEHOLDERS,
      ...[...DEVICE_FACTS, ...MARKERS].map((f) => `{${f}}`), // text payload placeholders
      ...Object.values(MEASUREMENT_PROPERTY),
      'json:',
      'cbor:',
      'text:',
      'user-properties',
      'message-expiry',
    ];
    expect(wanted.filter((w) => !code.includes(w))).toEqual([]);
  });
});
