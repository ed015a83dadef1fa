// zod issues → one ToolError line: `<file>: <field path>: <what> (got …); fix: …`. Unions are
// unwrapped to the branch the user evidently meant; unknown keys and enum values get a
// "did you mean" from the allowed keys and values, read from the JSON Schema of the same schema.
import * as z from 'zod';
import type { ErrorCode } from '../errors/codes.js';
import { ToolError } from '../errors/tool-error.js';
import { closest } from './suggest.js';

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** `['fleet', 0, 'count']` → `fleet[0].count`. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** `<file>: <path>`, or just the file for a problem with the whole document. */
export function whereOf(file: string, path: readonly PathKey[]): string {
  const p = formatPath(path);
  return p === '' ? file : `${file}: ${p}`;
}

const ARTICLE_EXPECTED: Record<string, string> = {
  int: 'a whole number',
  array: 'a list',
  object: 'a mapping of keys to values',
  string: 'a string',
  number: 'a number',
  boolean: '`true` or `false`',
};

/** Per-parse error map: our wording for zod's built-in issues (schema-level messages win). */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined
        ? 'is required'
        : `expected ${ARTICLE_EXPECTED[iss.expected] ?? iss.expected}`;
    case 'too_small':
      if (iss.origin === 'array') return `needs at least ${String(iss.minimum)} item(s)`;
      if (iss.origin === 'string') return 'must not be empty';
      return iss.inclusive
        ? `must be at least ${String(iss.minimum)}`
        : `must be more than ${String(iss.minimum)}`;
    case 'too_big':
      return `must be at most ${String(iss.maximum)}`;
    case 'invalid_value':
      return `must be one of: ${iss.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key \`${iss.keys[0] ?? ''}\``;
    case 'invalid_union':
      return iss.input === undefined ? 'is required' : 'has the wrong type';
    case 'invalid_format':
      return 'does not have the expected format';
    case 'custom':
    case 'invalid_element':
    case 'invalid_key':
    case 'not_multiple_of':
      return undefined;
  }
};

/** A root-level type mismatch: the branch of a union the user did not mean. */
function isMismatch(issues: readonly Issue[]): boolean {
  return issues.every(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' ||
        (i.code === 'invalid_value' && !sameKind(i)) ||
        i.code === 'invalid_union'),
  );
}

/** A value of the right kind that is not among the allowed ones (a misspelt enum member). */
function sameKind(i: Issue): boolean {
  return i.code === 'invalid_value' && i.values.some((v) => typeof v === typeof i.input);
}

/** Replace a union issue by the first issue of the branch the input evidently aimed at. */
export function unwrapIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const meant = issue.errors.find((branch) => branch.length > 0 && !isMismatch(branch));
  const first = meant ? pickIssue(meant) : undefined;
  if (!first) return issue;
  return unwrapIssue({ ...first, path: [...issue.path, ...first.path] } as Issue);
}

export interface IssueContext {
  /** File label used in `where`. */
  file: string;
  /** Code for structural problems of this kind of file. */
  code: ErrorCode;
  /** The schema parsed against, for allowed keys and values. */
  schema: z.ZodType;
  /** Path prefix when the document was parsed as a part of a larger one. */
  prefix?: readonly PathKey[];
}

/**
 * The issue to report: an unknown key first (a misspelt key also makes the real key look
 * missing, and "did you mean" is the useful message), else the first in document order.
 */
function pickIssue(issues: readonly Issue[]): Issue | undefined {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

/** Turn the most useful zod issue into a ToolError. */
export function issueToToolError(issues: readonly Issue[], ctx: IssueContext): ToolError {
  const first = pickIssue(issues);
  if (!first) return new ToolError(ctx.code, 'is invalid', { where: ctx.file, fix: referenceFix([]) });
  const issue = unwrapIssue(first);
  const path = [...(ctx.prefix ?? []), ...issue.path];
  if (issue.code === 'custom' && typeof issue.params?.toolCode === 'string') {
    const fix = typeof issue.params.fix === 'string' ? issue.params.fix : referenceFix(path);
    return new ToolError(issue.params.toolCode as ErrorCode, issue.message, {
      where: whereOf(ctx.file, path),
      got: shownInput(issue.input, path),
      fix,
    });
  }
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const allowed = allowedKeysAt(ctx.schema, issue.path);
    const guess = closest(key, allowed);
    const fix = `${guess ? `did you mean \`${guess}\`? ` : ''}allowed keys: ${allowed.join(', ')}`;
    return new ToolError(ctx.code, issue.message, { where: whereOf(ctx.file, [...path, key]), fix });
  }
  return new ToolError(ctx.code, issue.message, {
    where: whereOf(ctx.file, path),
    got: shownInput(issue.input, path),
    fix: fixFor(issue, path) ?? referenceFix(path),
  });
}

/** Every error carries a fix: at least where the field is documented. */
function referenceFix(path: readonly PathKey[]): string {
  const field = path.filter((k) => typeof k === 'string').join('.') || 'the file';
  return `see \`${field}\` in docs/scenario-reference.md`;
}

/**
 * What an error may quote of the input: nothing of a credential field, and only the kind and
 * size of a whole document that is not a mapping (`--profile /etc/passwd` must not print it).
 */
function shownInput(input: unknown, path: readonly PathKey[]): unknown {
  if (path.includes('password')) return undefined;
  if (path.length > 0) return input;
  if (typeof input === 'string') return `a text of ${input.length} characters`;
  return Array.isArray(input) ? `a list of ${input.length} items` : input;
}

function fixFor(issue: Issue, path: readonly PathKey[]): string | undefined {
  switch (issue.code) {
    case 'invalid_value': {
      const values = issue.values.map(String);
      const guess = typeof issue.input === 'string' ? closest(issue.input, values) : undefined;
      return `${guess ? `did you mean \`${guess}\`? ` : ''}use one of: ${values.join(', ')}`;
    }
    case 'invalid_type':
    case 'invalid_union':
      return issue.input === undefined ? `add \`${String(path[path.length - 1] ?? 'it')}\`` : undefined;
    case 'too_small':
      return issue.origin === 'array' ? 'add an entry' : issue.message.replace(/^must be/, 'use a value');
    case 'too_big':
      return issue.message.replace(/^must be/, 'use a value');
    case 'custom':
    case 'invalid_element':
    case 'invalid_format':
    case 'invalid_key':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return undefined;
  }
}

type JsonNode = { [k: string]: unknown };
const jsonSchemas = new WeakMap<z.ZodType, JsonNode>();

function jsonSchemaOf(schema: z.ZodType): JsonNode {
  let js = jsonSchemas.get(schema);
  if (!js) {
    js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
    jsonSchemas.set(schema, js);
  }
  return js;
}

function expand(node: unknown): JsonNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const n = node as JsonNode;
  const alts = [n.anyOf, n.oneOf, n.allOf].filter(Array.isArray).flat() as unknown[];
  return [n, ...alts.flatMap(expand)];
}

/** Keys allowed by the object(s) at `path` of `schema`, in schema order. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PathKey[]): string[] {
  let nodes = expand(jsonSchemaOf(schema));
  for (const key of path) {
    nodes = nodes.flatMap((n) => {
      if (typeof key === 'number') return expand(n.items);
      const props = n.properties as JsonNode | undefined;
      return expand(props?.[String(key)] ?? n.additionalProperties);
    });
  }
  const keys = nodes.flatMap((n) => (n.properties ? Object.keys(n.properties as JsonNode) : []));
  return [...new Set(keys)].filter((k) => k !== '$schema');
}
