// Reading scenario, device type and profile files: YAML (or JSON by extension) → plain data,
// with parse errors reported as `file:line:col`. The imperative shell of the scenario module.
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { ErrorCode } from '../errors/codes.js';
import { ToolError } from '../errors/tool-error.js';

export const DOCUMENT_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** Scenario, device type and profile files are small; anything bigger is not one of them. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** Deeper than any scenario needs (about 6 levels), shallow enough for the parser's stack. */
export const MAX_NESTING_DEPTH = 64;
/** YAML aliases expanded per document: a few are handy, thousands are a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

/**
 * Only regular files of sane size: a FIFO or a device would block the read forever, and a huge
 * file is no scenario.
 */
async function checkReadable(path: string, missingCode: ErrorCode, where: string): Promise<void> {
  const st = await stat(path);
  const problem = !st.isFile()
    ? { what: 'not a regular file', got: st.isDirectory() ? 'a directory' : 'a FIFO, socket or device' }
    : st.size > MAX_DOCUMENT_BYTES
      ? { what: `larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`, got: `${st.size} bytes` }
      : null;
  if (problem)
    throw new ToolError(missingCode, problem.what, {
      where,
      got: problem.got,
      fix: 'give the path of a scenario, device type or profile file',
    });
}

/** Reads and parses one file; `missingCode` is raised when it cannot be read. */
export async function readDocument(path: string, missingCode: ErrorCode, where = path): Promise<unknown> {
  let text: string;
  try {
    await checkReadable(path, missingCode, where);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof ToolError) throw e;
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file cannot be read';
    throw new ToolError(missingCode, reason, { where, got: path, fix: 'check the path' });
  }
  return parseText(text, path);
}

/** Parses YAML, or JSON when `path` ends in `.json`. */
export function parseText(text: string, path: string): unknown {
  if (extname(path) === '.json') {
    const value = parseJson(text, path);
    if (depthOf(value) > MAX_NESTING_DEPTH) throw yamlLimitError(new RangeError('depth'), path);
    return value;
  }
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw yamlLimitError(e, path);
  }
  const err = doc.errors[0];
  if (err instanceof Error && /call stack/i.test(err.message)) throw yamlLimitError(err, path);
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${path}:${pos.line}:${pos.col}` : path;
    const message = firstLine(err.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_PARSE', `invalid YAML: ${message}`, {
      where,
      fix: 'fix the YAML syntax (indentation, quoting, a `key: value` per line)',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (e) {
    throw yamlLimitError(e, path);
  }
  if (depthOf(value) > MAX_NESTING_DEPTH) throw yamlLimitError(new RangeError('depth'), path);
  return value;
}

/** Nesting depth of plain data, without recursion (the input may be hostile). */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d + 1);
    if (max > MAX_NESTING_DEPTH) return max;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

/** The parser's own limits (alias expansion, stack depth) as one-line errors. */
function yamlLimitError(e: unknown, path: string): ToolError {
  const message = e instanceof Error ? e.message : String(e);
  if (/alias/i.test(message)) {
    return new ToolError(
      'FLEETSTORM_ERR_SCENARIO_PARSE',
      'YAML aliases expand too far (a "billion laughs")',
      {
        where: path,
        got: `more than ${MAX_ALIAS_COUNT} alias expansions`,
        fix: 'write the values out, or use fewer, unnested aliases',
      },
    );
  }
  if (e instanceof RangeError || /call stack/i.test(message)) {
    return new ToolError('FLEETSTORM_ERR_SCENARIO_PARSE', 'nested too deeply for a scenario', {
      where: path,
      got: `more than ${MAX_NESTING_DEPTH} levels`,
      fix: `keep nesting under ${MAX_NESTING_DEPTH} levels (a scenario needs about 6)`,
    });
  }
  throw e;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    if (e instanceof RangeError) throw yamlLimitError(e, path);
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
