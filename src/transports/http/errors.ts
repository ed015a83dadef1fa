// Maps undici / socket errors to the short failure codes recorded as data.

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function errorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'unknown';
  const e = err as { name?: string; code?: string; cause?: unknown };
  if (e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED' || e.code === 'ABORT_ERR') return 'aborted';
  if (e.code !== undefined && TIMEOUTS.has(e.code)) return 'timeout';
  if (e.code === 'UND_ERR_SOCKET' && e.cause !== undefined) return errorCode(e.cause);
  if (e.code === 'UND_ERR_SOCKET') return 'socket';
  if (typeof e.code === 'string') return e.code;
  return e.name ?? 'unknown';
}
