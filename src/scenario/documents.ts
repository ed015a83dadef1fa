// Reading scenario, device type and profile files: YAML (or JSON by extension) → plain data,
// with parse errors reported as `file:line:col`. The imperative shell of the scenario module.
import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { ErrorCode } from '../errors/codes.js';
import { ToolError } from '../errors/tool-error.js';

export const DOCUMENT_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** Reads and parses one file; `missingCode` is raised when it cannot be read. */
export async function readDocument(path: string, missingCode: ErrorCode, where = path): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file cannot be read';
    throw new ToolError(missingCode, reason, { where, got: path, fix: 'check the path' });
  }
  return parseText(text, path);
}

/** Parses YAML, or JSON when `path` ends in `.json`. */
export function parseText(text: string, path: string): unknown {
  if (extname(path) === '.json') return parseJson(text, path);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${path}:${pos.line}:${pos.col}` : path;
    const message = firstLine(err.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_PARSE', `invalid YAML: ${message}`, {
      where,
      fix: 'fix the YAML syntax (indentation, quoting, a `key: value` per line)',
    });
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_PARSE', `invalid JSON: ${firstLine((e as Error).message)}`, {
      where: path,
      fix: 'fix the JSON syntax',
    });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/** Finds `<dir>/<name>.yaml|.yml|.json` in the first directory that has it. */
export async function findNamedFile(name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const entries = await listDir(dir);
    for (const ext of DOCUMENT_EXTENSIONS) {
      if (entries.includes(`${name}${ext}`)) return join(dir, `${name}${ext}`);
    }
  }
  return undefined;
}

/** Names (file names without extension) of the documents in `dirs`, deduplicated and sorted. */
export async function listNames(dirs: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of dirs) {
    for (const entry of await listDir(dir)) {
      const ext = DOCUMENT_EXTENSIONS.find((x) => entry.endsWith(x));
      if (ext && entry !== 'schema.json') names.add(entry.slice(0, -ext.length));
    }
  }
  return [...names].sort();
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** A plain `{}` object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects: `over` wins; arrays and scalars are replaced, not merged. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isRecord(prev) && isRecord(value) ? deepMerge(prev, value) : value;
  }
  return out;
}
