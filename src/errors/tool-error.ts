// ToolError: a problem with the user's input or environment, never a failure of the system
// under test (that is data) and never a bug (that is a plain Error → exit 70). Thrown anywhere,
// caught only in src/cli/main.ts, printed as one line: where: what (got …); fix.
import { ERROR_CODES, type ErrorCode } from './codes.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface ToolErrorDetails {
  /** File (and field path) or flag the problem is in, e.g. `scenarios/x.yaml: fleet[0].count`. */
  where?: string;
  /** What was received, shown as `got …`. */
  got?: unknown;
  /** How to fix it. */
  fix?: string;
}

export class ToolError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;
  readonly got: unknown;
  readonly fix: string | undefined;

  constructor(code: ErrorCode, message: string, details: ToolErrorDetails = {}) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
    this.where = details.where;
    this.got = details.got;
    this.fix = details.fix;
  }

  get exitCode(): ExitCode {
    return ERROR_CODES[this.code].kind === 'usage' ? EXIT.usage : EXIT.environment;
  }

  /** The one line printed to stderr. */
  toLine(): string {
    const where = this.where ? `${this.where}: ` : '';
    const got = this.got === undefined ? '' : ` (got ${formatGot(this.got)})`;
    // Every error says what to do: at least where its code is explained.
    const fix = `; fix: ${this.fix || `see ${this.code} in the README's error codes`}`;
    return `error ${this.code}: ${where}${this.message}${got}${fix}`;
  }
}

/** What an error quotes of a value: at most this many characters, control characters flattened. */
const MAX_GOT_CHARS = 80;

function formatGot(got: unknown): string {
  if (typeof got === 'string') {
    // eslint-disable-next-line no-control-regex -- flattening control characters is the point
    const flat = got.replace(/[\u0000-\u001f\u007f]+/g, ' ');
    return JSON.stringify(flat.length > MAX_GOT_CHARS ? `${flat.slice(0, MAX_GOT_CHARS - 3)}...` : flat);
  }
  try {
    const s = JSON.stringify(got);
    return s === undefined ? String(got) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(got);
  }
}

export function isToolError(e: unknown): e is ToolError {
  return e instanceof ToolError;
}
