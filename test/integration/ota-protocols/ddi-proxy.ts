// A recording HTTP proxy between the devices and the embedded backend for the live hawkBit
// tests: every DDI exchange (JSON both ways) is checked against hawkBit's OpenAPI document;
// firmware downloads stream through, paced so that a radio drop can land mid-transfer, and
// their Range headers are counted. Aborts travel both ways (a dropped device drops upstream).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpecCheck } from './hawkbit-spec.js';

export interface DdiProxy {
  url: string;
  /** DDI exchanges seen (checked), and firmware requests with and without Range. */
  exchanges: number;
  firmwareRequests: number;
  rangeRequests: number;
  close(): Promise<void>;
}

const FIRMWARE = /^\/v1\/firmware\//;

async function bodyOf(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

function parse(b: Buffer): unknown {
  if (b.length === 0) return undefined;
  try {
    return JSON.parse(b.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** `chunkDelayMs`: pause after every 16 KiB of firmware (real ms). */
export async function startDdiProxy(
  upstream: string,
  spec: SpecCheck,
  chunkDelayMs: number,
): Promise<DdiProxy> {
  const up = new URL(upstream);
  const proxy: DdiProxy = {
    url: '',
    exchanges: 0,
    firmwareRequests: 0,
    rangeRequests: 0,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const firmware = FIRMWARE.test(req.url ?? '');
    void (firmware ? Promise.resolve(Buffer.alloc(0)) : bodyOf(req)).then((sent) => {
      const out = http.request(
        { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          if (firmware) return relayPaced(answer, res, chunkDelayMs);
          void bodyOf(answer).then((got) => {
            if (req.url?.includes('/controller/v1/')) {
              proxy.exchanges++;
              const headers = Object.fromEntries(
                Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
              );
              const method = req.method as 'GET' | 'POST' | 'PUT';
              const ddiReq = {
                method,
                url: `http://${req.headers.host ?? ''}${req.url}`,
                headers,
                body: parse(sent),
              };
              const checked = spec.check(ddiReq, {
                status: answer.statusCode ?? 0,
                body: parse(got),
                latencyUs: 0,
              });
              spec.problems.push(...checked);
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(got);
          });
        },
      );
      out.on('error', () => res.destroy());
      res.on('close', () => out.destroy());
      if (firmware) {
        proxy.firmwareRequests++;
        if (req.headers.range !== undefined) proxy.rangeRequests++;
      }
      out.end(sent);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

function relayPaced(answer: http.IncomingMessage, res: http.ServerResponse, chunkDelayMs: number): void {
  res.writeHead(answer.statusCode ?? 502, answer.headers);
  const SLICE = 16 * 1024;
  answer.on('data', (chunk: Buffer) => {
    answer.pause();
    const send = (from: number): void => {
      if (res.destroyed) return void answer.destroy();
      if (from >= chunk.length) return void answer.resume();
      res.write(chunk.subarray(from, from + SLICE));
      setTimeout(() => send(from + SLICE), chunkDelayMs);
    };
    send(0);
  });
  answer.on('end', () => res.end());
  answer.on('error', () => res.destroy());
}
