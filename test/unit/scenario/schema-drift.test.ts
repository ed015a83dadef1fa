import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SCHEMA_JSON_PATH, scenarioJsonSchemaText } from '../../../src/scenario/index.js';

describe('scenarios/schema.json', () => {
  it('matches the zod schema', async () => {
    const committed = await readFile(SCHEMA_JSON_PATH, 'utf8').catch(() => '');
    const fresh = scenarioJsonSchemaText();
    if (committed !== fresh) {
      expect.fail(
        'scenarios/schema.json is out of date with src/scenario/schema*.ts: run `npm run schema` and commit it',
      );
    }
  });

  it('is a strict draft 2020-12 schema with defaults and unit patterns', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as {
      $schema: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { default?: unknown; pattern?: string }>;
    };
    expect(schema.$schema).toContain('2020-12');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'fleet']);
    expect(schema.properties.duration).toMatchObject({ default: '1h' });
    expect(schema.properties.duration!.pattern).toBeDefined();
  });
});
