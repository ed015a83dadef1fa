// A recording stand-in for a Mender server (127.0.0.1, port 0), to learn what the real client
// sends: it admits every auth request, offers one deployment of `artifact` once (204 after),
// accepts statuses, logs and inventory, serves the artifact, and keeps every request with the
// status it answered. `mode` bends one answer to see how the client reacts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecorderMode =
  /** Answers as a plain server would. */
  | 'normal'
  /** 404 to POST v2 and POST v1 `next`: only GET v1 works. */
  | 'v1only'
  /** 409 to the first `installing` status. */
  | 'abort409'
  /** The artifact without Content-Length (chunked). */
  | 'nolength'
  /** The first download cut halfway; a Range request gets 206. */
  | 'drop';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  response: number;
}

export interface Recorder {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
// the 3.4 client neither verifies nor decodes the token: any JWT-shaped string will do
const TOKEN = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'recorded-device', exp: 4102444800, 'mender.device': true })}.c2ln`;

export async function startRecorder(o: {
  mode: RecorderMode;
  artifactName: string;
  artifact: Buffer;
  deviceTypes: string[];
}): Promise<Recorder> {
  const requests: Recorded[] = [];
  let offered = false;
  let dropped = false;
  let aborted = false;
  let url = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        response: 0,
      };
      requests.push(entry);
      const answer = (
        status: number,
        headers: http.OutgoingHttpHeaders = {},
        payload?: string | Buffer,
      ): void => {
        entry.response = status;
        res.writeHead(status, headers);
        res.end(payload);
      };
      const path = entry.url.split('?')[0] ?? '';
      if (path.endsWith('/authentication/auth_requests'))
        return answer(200, { 'content-type': 'application/jwt' }, TOKEN);
      if (path.endsWith('/deployments/next')) {
        if (o.mode === 'v1only' && req.method === 'POST') return answer(404);
        if (offered) return answer(204);
        offered = true;
        const instructions = {
          id: 'dep-1',
          artifact: {
            artifact_name: o.artifactName,
            source: { uri: `${url}/download/${o.artifactName}.mender`, expire: '2099-01-01T00:00:00Z' },
            device_types_compatible: o.deviceTypes,
          },
        };
        return answer(200, { 'content-type': 'application/json' }, JSON.stringify(instructions));
      }
      if (path.startsWith('/download/')) return download(req, res, entry);
      if (path.endsWith('/status')) {
        if (o.mode === 'abort409' && !aborted && body.includes('"installing"')) {
          aborted = true;
          return answer(409, { 'content-type': 'application/json' }, '{"error":"deployment aborted"}');
        }
        return answer(204);
      }
      if (path.endsWith('/log')) return answer(204);
      if (path.endsWith('/inventory/device/attributes')) return answer(200);
      answer(404);
    });
  });

  function download(req: http.IncomingMessage, res: http.ServerResponse, entry: Recorded): void {
    const bytes = o.artifact;
    const type = { 'content-type': 'application/vnd.mender-artifact', 'accept-ranges': 'bytes' };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range !== null) {
      const start = Number(range[1]);
      entry.response = 206;
      res.writeHead(206, {
        ...type,
        'content-length': bytes.length - start,
        'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      });
      return void res.end(bytes.subarray(start));
    }
    entry.response = 200;
    if (o.mode === 'nolength') {
      res.writeHead(200, type);
      res.write(bytes);
      return void res.end();
    }
    res.writeHead(200, { ...type, 'content-length': bytes.length });
    if (o.mode === 'drop' && !dropped) {
      dropped = true;
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(bytes);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
