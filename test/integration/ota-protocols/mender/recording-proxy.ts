// A recording HTTP proxy for protocol conformance tests: it sits between the device client and
// the server, forwards every request unchanged (Host included, so links the server builds point
// back through it) and keeps each exchange as seen on the wire. Firmware bodies are streamed
// through, not kept.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status: number;
  responseHeaders: http.IncomingHttpHeaders;
  /** Null for streamed (non-API) bodies. */
  responseBody: Buffer | null;
  /** The client went away before the whole response was sent (a radio drop, a power cut). */
  clientAborted: boolean;
}

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  /** Streamed requests that carried a Range header (resumed downloads). */
  rangeRequests: number;
  close(): Promise<void>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * `keep(path)`: whether a response body is recorded (else streamed through); `chunkDelayMs`
 * paces streamed bodies (each chunk waits), so that a radio drop lands mid-download.
 */
export async function startRecordingProxy(
  upstream: string,
  opts: { keep?: (path: string) => boolean; chunkDelayMs?: number } = {},
): Promise<RecordingProxy> {
  const keep = opts.keep ?? ((p: string) => p.startsWith('/api/'));
  const target = new URL(upstream);
  const exchanges: Exchange[] = [];
  let rangeRequests = 0;
  const server = http.createServer((req, res) => {
    void readAll(req).then((body) => {
      const out = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          const exchange: Exchange = {
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            headers: req.headers,
            body,
            status: up.statusCode ?? 0,
            responseHeaders: up.headers,
            responseBody: null,
            clientAborted: false,
          };
          exchanges.push(exchange);
          res.writeHead(up.statusCode ?? 502, up.headers);
          if (!keep(new URL(exchange.url, 'http://x').pathname)) {
            if (req.headers.range !== undefined) rangeRequests++;
            res.once('close', () => {
              if (!res.writableFinished) exchange.clientAborted = true;
              up.destroy();
            });
            const delayMs = opts.chunkDelayMs ?? 0;
            if (delayMs === 0) return void up.pipe(res);
            up.on('data', (chunk: Buffer) => {
              res.write(chunk);
              up.pause();
              setTimeout(() => up.resume(), delayMs);
            });
            up.once('end', () => res.end());
            return;
          }
          void readAll(up).then((text) => {
            exchange.responseBody = text;
            res.end(text);
          });
        },
      );
      out.once('error', () => res.destroy());
      res.once('close', () => {
        if (!res.writableFinished) out.destroy();
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    get rangeRequests() {
      return rangeRequests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
