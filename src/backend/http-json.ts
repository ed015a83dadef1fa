// JSON in and out for the embedded HTTP API and the protocol routes mounted on it. A malformed
// request is a BadRequest (answered 400), never a crash of the server.
import type http from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

export class BadRequest extends Error {}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The request body (at most 64 KiB) as bytes. */
export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request body as a JSON object. */
export async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse((await readBody(req)).toString('utf8'));
  } catch (err) {
    if (err instanceof BadRequest) throw err;
    throw new BadRequest('body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest('body is not an object');
  return value as Record<string, unknown>;
}

export function stringField(
  body: Record<string, unknown>,
  name: string,
  required: boolean,
): string | undefined {
  const value = body[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') throw new BadRequest(`"${name}" must be a non-empty string`);
  return value;
}

/** An absolute URL on this server for `path`, from the request's Host header. */
export function absoluteUrl(req: http.IncomingMessage, path: string): string {
  const host = req.headers.host ?? `127.0.0.1:${req.socket.localPort ?? 80}`;
  return `http://${host}${path}`;
}
