// scenarios/schema.json, generated from the zod scenario schema (`npm run schema`), for editors
// (`# yaml-language-server: $schema=./schema.json`). A test fails when the committed file drifts.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { PACKAGE_ROOT } from './load.js';
import { scenarioSchema } from './schema.js';

export const SCHEMA_JSON_PATH = join(PACKAGE_ROOT, 'scenarios', 'schema.json');

/** The JSON Schema of scenario files, as the text written to scenarios/schema.json. */
export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'fleetstorm scenario' }, null, 2)}\n`;
}

/** Writes the JSON Schema (to scenarios/schema.json unless told otherwise); returns its text. */
export async function writeJsonSchema(path: string = SCHEMA_JSON_PATH): Promise<string> {
  const text = scenarioJsonSchemaText();
  await writeFile(path, text, 'utf8');
  return text;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  await writeJsonSchema();
}
