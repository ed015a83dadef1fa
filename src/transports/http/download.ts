// Firmware download: streamed, hashed as it arrives, resumable. A DownloadCursor holds the image
// bytes' running SHA-256 and offset between attempts, so a resumed download asks for
// `Range: bytes=N-` with `If-Range: <etag>` and still verifies the whole image at the end.
import { createHash, type Hash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { errorCode } from './errors.js';
import type { DownloadCursorLike, DownloadOptions, DownloadResult } from './types.js';

export class DownloadCursor implements DownloadCursorLike {
  offset = 0;
  etag: string | undefined = undefined;
  totalBytes = 0;
  /** False when the download began at an offset we never hashed: no verification possible. */
  hashable = true;
  hash: Hash = createHash('sha256');

  restart(): void {
    this.offset = 0;
    this.etag = undefined;
    this.hashable = true;
    this.hash = createHash('sha256');
  }
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

interface Started {
  total: number;
  resumed: boolean;
  restarted: boolean;
}

/** Interprets the response status against the cursor; returns null (and an error) if unusable. */
function start(
  cursor: DownloadCursor,
  status: number,
  headers: Record<string, string | string[] | undefined>,
): Started | string {
  const from = cursor.offset;
  if (status === 206) {
    const m = CONTENT_RANGE.exec(header(headers, 'content-range') ?? '');
    if (m === null || Number(m[1]) !== from) return 'bad_content_range';
    return { total: m[3] === '*' ? 0 : Number(m[3]), resumed: from > 0, restarted: false };
  }
  if (status === 200) {
    if (from > 0) cursor.restart(); // range ignored or If-Range stale: the image starts over
    return { total: Number(header(headers, 'content-length') ?? 0), resumed: false, restarted: from > 0 };
  }
  return `http_${status}`;
}

function emptyResult(cursor: DownloadCursor): DownloadResult {
  return {
    ok: false,
    status: 0,
    latencyUs: 0,
    outcome: 'error',
    receivedBytes: 0,
    redownloadedBytes: 0,
    offset: cursor.offset,
    totalBytes: cursor.totalBytes,
    resumed: false,
    restarted: false,
    verified: null,
    sha256: null,
  };
}

function requestHeaders(cursor: DownloadCursor, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  if (cursor.offset === 0) return headers;
  headers.range = `bytes=${cursor.offset}-`;
  if (cursor.etag !== undefined) headers['if-range'] = cursor.etag; // [RFC 9110 §13.1.5]
  return headers;
}

/** Streams the body into the cursor; returns the error code to report, or undefined. */
async function receive(
  dispatcher: Dispatcher,
  path: string,
  opts: DownloadOptions,
  cursor: DownloadCursor,
  result: DownloadResult,
): Promise<string | undefined> {
  const res = await dispatcher.request({
    path,
    method: 'GET',
    headers: requestHeaders(cursor, opts.headers),
    signal: opts.signal ?? null,
  });
  result.status = res.statusCode;
  const started = start(cursor, res.statusCode, res.headers);
  if (typeof started === 'string') {
    await res.body.dump();
    return started;
  }
  Object.assign(result, {
    resumed: started.resumed,
    restarted: started.restarted,
    totalBytes: started.total,
  });
  cursor.totalBytes = started.total;
  cursor.etag = header(res.headers, 'etag');
  const expected = opts.expectedBytes;
  if (expected !== undefined && started.total > 0 && started.total !== expected) {
    await res.body.dump();
    return 'size_mismatch';
  }
  for await (const chunk of res.body) {
    const bytes = chunk as Buffer;
    if (expected !== undefined && cursor.offset + bytes.length > expected) {
      res.body.destroy();
      return 'size_mismatch';
    }
    cursor.hash.update(bytes);
    cursor.offset += bytes.length;
    result.receivedBytes += bytes.length;
    opts.onProgress?.(cursor.offset, started.total);
    const paced = opts.pace?.(bytes.length);
    if (paced) await paced; // not reading holds the socket: the sender sees the limit as TCP flow control
  }
  if (expected !== undefined && cursor.offset !== expected) return 'size_mismatch';
  return undefined;
}

export async function downloadFirmware(
  dispatcher: Dispatcher,
  path: string,
  opts: DownloadOptions,
  clock: () => number,
): Promise<DownloadResult> {
  const intendedUs = opts.intendedUs ?? clock();
  const cursor = cursorOf(opts);
  const from = cursor.offset;
  const result = emptyResult(cursor);
  let error: string | undefined;
  try {
    error = await receive(dispatcher, path, opts, cursor, result);
  } catch (err) {
    error = errorCode(err);
  }
  if (result.restarted) result.redownloadedBytes = Math.min(from, result.receivedBytes);
  if (error === undefined) verify(result, cursor, opts.expectedSha256);
  const outcome = error === undefined ? 'complete' : error === 'aborted' ? 'aborted' : 'error';
  return finish(result, cursor, outcome, error, clock() - intendedUs);
}

function cursorOf(opts: DownloadOptions): DownloadCursor {
  if (opts.cursor !== undefined) {
    if (!(opts.cursor instanceof DownloadCursor))
      throw new TypeError('cursor must come from newDownloadCursor()');
    return opts.cursor;
  }
  const cursor = new DownloadCursor();
  if (opts.fromOffset !== undefined && opts.fromOffset > 0) {
    cursor.offset = opts.fromOffset;
    cursor.hashable = false;
  }
  return cursor;
}

function verify(result: DownloadResult, cursor: DownloadCursor, expected: string | undefined): void {
  if (!cursor.hashable || (cursor.totalBytes > 0 && cursor.offset !== cursor.totalBytes)) return;
  result.sha256 = cursor.hash.copy().digest('hex');
  if (expected !== undefined) result.verified = result.sha256 === expected.toLowerCase();
}

function finish(
  result: DownloadResult,
  cursor: DownloadCursor,
  outcome: DownloadResult['outcome'],
  error: string | undefined,
  latencyUs: number,
): DownloadResult {
  result.outcome = outcome;
  result.ok = outcome === 'complete';
  result.offset = cursor.offset;
  result.latencyUs = latencyUs;
  if (error !== undefined) result.error = error;
  return result;
}

export function newDownloadCursor(): DownloadCursor {
  return new DownloadCursor();
}
