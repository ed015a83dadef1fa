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
}

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `keep(path)`: whether a response body is recorded (else streamed through). */
export async function startRecordingProxy(
  upstream: string,
  keep: (path: string) => boolean = (p) => p.startsWith('/api/'),
): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const exchanges: Exchange[] = [];
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
          };
          exchanges.push(exchange);
          res.writeHead(up.statusCode ?? 502, up.headers);
          if (!keep(new URL(exchange.url, 'http://x').pathname)) {
            up.pipe(res);
            res.once('close', () => up.destroy());
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
