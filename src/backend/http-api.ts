// The embedded OTA / check-in HTTP API (node:http):
//   POST /v1/checkin  {deviceId, deviceType, version} → {offer: {version, sizeBytes, sha256, url} | null}
//   POST /v1/status   {deviceId, state, version?, detail?} → 204
//   GET  /v1/firmware/:version            image bytes; Range → 206 / 416; ETag + If-Range
//   GET  /v1/firmware/:version/manifest   {version, sizeBytes, sha256, etag}
//   GET  /healthz
// Outage and reject answer 503; slow delays the response.
import http from 'node:http';
import type net from 'node:net';
import { monotonicUs } from '../clock/real-clock.js';
import { EndpointStats } from './endpoint-stats.js';
import type { FaultState } from './fault-state.js';
import { BadRequest, readJson, sendJson, stringField } from './http-json.js';
import { MAX_IMAGE_BYTES, etagOf, imageSha256 } from './firmware-image.js';
import { serveImage, type FirmwareCounters } from './firmware-route.js';
import { listenOn } from './listen.js';
import type { CheckinRequest, HttpRoute, OfferFor, StatusReport } from './types.js';

export interface HttpCounters extends FirmwareCounters {
  requests: number;
  checkins: number;
  offers: number;
  statuses: number;
  unavailable: number;
}

export interface HttpApiOptions {
  offerFor: OfferFor | undefined;
  onStatus: ((report: StatusReport) => void) | undefined;
  /** version → size of every image that may be downloaded. */
  images: Map<string, number>;
  /** Protocol routes, matched before the built-in ones. */
  routes?: readonly HttpRoute[];
}

export interface HttpApi {
  port: number;
  counters: HttpCounters;
  endpoints: EndpointStats;
  close(): Promise<void>;
}

const FIRMWARE_PATH = /^\/v1\/firmware\/([^/]+)(\/manifest)?$/;

class HttpApiServer implements HttpApi {
  port = 0;
  readonly counters: HttpCounters = {
    requests: 0,
    checkins: 0,
    offers: 0,
    statuses: 0,
    unavailable: 0,
    firmwareRequests: 0,
    rangeRequests: 0,
    firmwareBytesSent: 0,
  };
  readonly endpoints = new EndpointStats();
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly faults: FaultState,
    private readonly opts: HttpApiOptions,
  ) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    faults.onOutage(() => {
      for (const socket of this.sockets) socket.destroy();
    });
  }

  async listen(host: string, port: number): Promise<void> {
    this.port = await listenOn(this.server, host, port, 'embedded backend HTTP port');
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const startedUs = monotonicUs();
    const name = this.endpointOf(req);
    res.once('finish', () => this.endpoints.add(name, monotonicUs() - startedUs, res.statusCode));
    res.once('close', () => {
      if (!res.writableFinished) this.endpoints.add(name, monotonicUs() - startedUs, 0);
    });
    this.counters.requests++;
    if (this.faults.outageActive || this.faults.rejecting) {
      this.counters.unavailable++;
      return sendJson(res, 503, { error: 'service unavailable' }, { 'retry-after': '1' });
    }
    this.faults.afterDelay(() => {
      this.route(req, res).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (err instanceof BadRequest) sendJson(res, 400, { error: err.message });
        else sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
      });
    });
  }

  /** The measurement name of a request: a mounted route's name, or the built-in endpoint. */
  private endpointOf(req: http.IncomingMessage): string {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    for (const r of this.opts.routes ?? []) if (r.method === method && r.pattern.test(path)) return r.name;
    if (path === '/v1/checkin') return 'checkin';
    if (path === '/v1/status') return 'status';
    if (FIRMWARE_PATH.test(path)) return 'firmware';
    return 'other';
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://backend');
    const method = req.method ?? 'GET';
    for (const r of this.opts.routes ?? []) {
      if (r.method !== method) continue;
      const m = r.pattern.exec(url.pathname);
      if (m === null) continue;
      return r.handle(
        req,
        res,
        m.slice(1).map((p) => decodeURIComponent(p ?? '')),
        url,
      );
    }
    if (url.pathname === '/healthz' && method === 'GET') return sendJson(res, 200, { ok: true });
    if (url.pathname === '/v1/checkin' && method === 'POST') return this.checkin(req, res);
    if (url.pathname === '/v1/status' && method === 'POST') return this.status(req, res);
    if (FIRMWARE_PATH.test(url.pathname) && (method === 'GET' || method === 'HEAD'))
      return this.firmware(req, res, url);
    sendJson(res, 404, { error: `no route ${method} ${url.pathname}` });
  }

  private async checkin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readJson(req);
    const ask: CheckinRequest = {
      deviceId: stringField(body, 'deviceId', true) as string,
      deviceType: stringField(body, 'deviceType', false) ?? 'default',
      version: stringField(body, 'version', true) as string,
    };
    this.counters.checkins++;
    const offer = this.opts.offerFor?.(ask.deviceId, ask.deviceType, ask.version) ?? null;
    if (offer === null) return sendJson(res, 200, { offer: null });
    this.counters.offers++;
    this.opts.images.set(offer.version, offer.sizeBytes);
    const sha256 = offer.sha256 ?? (await imageSha256(offer));
    const url = `/v1/firmware/${encodeURIComponent(offer.version)}`;
    sendJson(res, 200, { offer: { version: offer.version, sizeBytes: offer.sizeBytes, sha256, url } });
  }

  private async status(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readJson(req);
    const report: StatusReport = {
      deviceId: stringField(body, 'deviceId', true) as string,
      state: stringField(body, 'state', true) as string,
    };
    const version = stringField(body, 'version', false);
    const detail = stringField(body, 'detail', false);
    if (version !== undefined) report.version = version;
    if (detail !== undefined) report.detail = detail;
    this.counters.statuses++;
    this.opts.onStatus?.(report);
    res.writeHead(204).end();
  }

  private async firmware(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const match = FIRMWARE_PATH.exec(url.pathname);
    const version = decodeURIComponent(match?.[1] ?? '');
    const sizeParam = url.searchParams.get('size');
    const sizeBytes = this.opts.images.get(version) ?? (sizeParam !== null ? Number(sizeParam) : NaN);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0 || sizeBytes > MAX_IMAGE_BYTES)
      return sendJson(res, 404, { error: `no image ${version}` });
    const image = { version, sizeBytes };
    if (match?.[2] === undefined) return serveImage(req, res, image, this.counters);
    sendJson(res, 200, { version, sizeBytes, sha256: await imageSha256(image), etag: etagOf(image) });
  }
}

export async function startHttpApi(
  host: string,
  port: number,
  faults: FaultState,
  opts: HttpApiOptions,
): Promise<HttpApi> {
  const api = new HttpApiServer(faults, opts);
  await api.listen(host, port);
  return api;
}
