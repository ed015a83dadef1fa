// Request bodies and answers of the embedded Mender server: the raw body is kept (the auth
// request's signature covers its exact bytes), errors carry the spec's Error object.
import type http from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpFailure(400, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpFailure(400, 'body is not JSON');
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Mender's Error object (common/schemas.yaml). */
export function sendError(res: http.ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error });
}

export function sendEmpty(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 }).end();
}
