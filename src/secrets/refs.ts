// Secret references in scenario strings: `${env:NAME}` and `${file:path}` (path relative to the
// scenario file). The scenario keeps the reference; the value is read only when needed, held in
// memory, and remembered by the redactor so it can never reach an output.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { rememberSecret } from './redact.js';

export type SecretRef = { from: 'env'; name: string } | { from: 'file'; path: string };
/** A string cut into literal text and references. */
export type SecretPart = string | SecretRef;

/** Where references are read from: the environment and the scenario's folder. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Folder `${file:…}` paths are relative to. */
  baseDir: string;
}

// One level of braces inside, for a per-device path: `${file:passwords/{id}.txt}`.
const REF = /\$\{([a-z]+):((?:[^{}]|\{[^{}]*\})*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A secret file larger than this is refused (it is a password or a key, not a data set). */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

function refError(where: string, message: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, { where, fix });
}

const REF_FIX =
  'write `${env:NAME}` (an environment variable) or `${file:path}` (relative to the scenario file)';

export function parseSecretRefs(text: string, where: string): SecretPart[] {
  const parts: SecretPart[] = [];
  let last = 0;
  for (const m of text.matchAll(REF)) {
    const [whole, from, arg = ''] = m;
    if (m.index > last) parts.push(text.slice(last, m.index));
    last = m.index + whole.length;
    if (from === 'env') {
      if (!ENV_NAME.test(arg))
        throw refError(where, 'invalid environment variable name in `${env:…}`', REF_FIX);
      parts.push({ from: 'env', name: arg });
    } else if (from === 'file') {
      if (arg.trim() === '') throw refError(where, 'empty path in `${file:…}`', REF_FIX);
      parts.push({ from: 'file', path: arg });
    } else throw refError(where, `unknown reference kind \`${from?.slice(0, 12) ?? ''}\``, REF_FIX);
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export function hasSecretRef(text: string): boolean {
  return parseSecretRefs(text, '').some((p) => typeof p !== 'string');
}

function unavailable(where: string, message: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SECRET_UNAVAILABLE', message, { where, fix });
}

/**
 * Reads one reference (never echoing what was read in an error). `remember: false` for values
 * read per device (too many to scrub free text for; they are never written anywhere).
 */
export function readSecretRef(ref: SecretRef, where: string, src: SecretSources, remember = true): string {
  if (ref.from === 'env') {
    const v = src.env[ref.name];
    if (v === undefined || v === '')
      throw unavailable(
        where,
        `environment variable ${ref.name} is not set`,
        `export ${ref.name}=… before the run (or change the reference)`,
      );
    rememberSecret(v);
    return v;
  }
  const path = isAbsolute(ref.path) ? ref.path : resolve(src.baseDir, ref.path);
  const v = readSmallFile(path, where).replace(/\r?\n$/, '');
  if (remember) rememberSecret(v);
  return v;
}

function readSmallFile(path: string, where: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw unavailable(
      where,
      `cannot read the secret file ${path} (${code})`,
      'create the file or correct the path',
    );
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_SECRET_FILE_BYTES)
      throw unavailable(
        where,
        `the secret file ${path} is not a regular file of at most ${MAX_SECRET_FILE_BYTES} bytes`,
        'point `${file:…}` at the file holding just the secret',
      );
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The text with every reference replaced by its value. */
export function resolveSecretText(text: string, where: string, src: SecretSources): string {
  let out = '';
  for (const p of parseSecretRefs(text, where))
    out += typeof p === 'string' ? p : readSecretRef(p, where, src);
  return out;
}
