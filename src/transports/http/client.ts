// OtaHttpClient: the device side of check-in, status and firmware download over undici, with one
// Pool per origin (the API and, if offers point elsewhere, a CDN). Backend failures come back
// as results, never as exceptions.
import { Pool } from 'undici';
import { monotonicUs } from '../../clock/real-clock.js';
import { ToolError } from '../../errors/tool-error.js';
import type { TargetLimiter } from '../limits/index.js';
import { targetConnector } from './connector.js';
import { basicAuthHeader } from './basic-auth.js';
import { downloadFirmware } from './download.js';
import { errorCode } from './errors.js';
import { readOffer } from './offer.js';
import type {
  CheckinResult,
  DownloadOptions,
  DownloadResult,
  HttpResult,
  HttpTransportOptions,
  StatusBody,
} from './types.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

export class OtaHttpClient {
  private readonly base: URL;
  private readonly clock: () => number;
  private readonly pools = new Map<string, Pool>();
  private readonly poolOptions: Pool.Options;
  private readonly limiter: TargetLimiter | undefined;
  /** `Authorization` from the target URL's user info, for the target's origin only. */
  private readonly auth: Record<string, string> | null;

  constructor(opts: HttpTransportOptions) {
    try {
      this.base = new URL(opts.baseUrl);
    } catch {
      throw new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the HTTP target is not a URL', {
        where: 'target http',
        got: opts.baseUrl,
        fix: 'use http://host:port',
      });
    }
    this.auth = basicAuthHeader(this.base);
    // Offers and downloads resolve against the bare origin: credentials travel only as the header.
    this.base.username = '';
    this.base.password = '';
    this.clock = opts.clock ?? monotonicUs;
    this.limiter = opts.limiter;
    const connect = targetConnector(opts.resolve ?? {}, opts.limiter, opts.tls);
    this.poolOptions = {
      connections: opts.connectionsPerOrigin ?? 64,
      headersTimeout: opts.headersTimeoutMs ?? 10_000,
      bodyTimeout: opts.bodyTimeoutMs ?? 30_000,
      ...(connect ? { connect } : {}),
    };
  }

  /** Holds a request while `target.limits` (request rate, bandwidth) say so. */
  private async paced(bodyBytes: number): Promise<void> {
    const limiter = this.limiter;
    if (limiter !== undefined) await limiter.pause(limiter.requestWaitMs(bodyBytes));
  }

  /** POST /v1/checkin → the offer (or null). */
  async checkIn(
    deviceId: string,
    deviceType: string,
    version: string,
    intendedUs?: number,
  ): Promise<CheckinResult> {
    const started = intendedUs ?? this.clock();
    const res = await this.postJson('/v1/checkin', { deviceId, deviceType, version }, started);
    if (!res.result.ok) return { ...res.result, offer: null };
    const offer = readOffer(res.body, this.base);
    if (offer === undefined) return { ...res.result, ok: false, error: 'bad_response', offer: null };
    return { ...res.result, offer };
  }

  /** POST a JSON body to `path`: the result, and the answer's JSON body (undefined when none or not JSON). */
  async post(
    path: string,
    body: unknown,
    intendedUs?: number,
  ): Promise<{ result: HttpResult; body: unknown }> {
    return this.postJson(path, body, intendedUs ?? this.clock());
  }

  /** POST /v1/status. */
  async postStatus(report: StatusBody, intendedUs?: number): Promise<HttpResult> {
    return (await this.postJson('/v1/status', report, intendedUs ?? this.clock())).result;
  }

  /** GET a firmware image (path or absolute URL), resumable through `opts.cursor`. */
  async downloadFirmware(url: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
    const target = new URL(url, this.base);
    await this.paced(0);
    const limiter = this.limiter;
    const withAuth =
      this.auth !== null && target.origin === this.base.origin
        ? { ...opts, headers: { ...opts.headers, ...this.auth } }
        : opts;
    const paced: DownloadOptions =
      limiter === undefined
        ? withAuth
        : { ...withAuth, pace: (n) => limiter.pause(limiter.receiveWaitMs(n)) };
    return downloadFirmware(this.pool(target.origin), target.pathname + target.search, paced, this.clock);
  }

  /** Throws TARGET_UNREACHABLE unless GET /healthz answers (any status). */
  async assertReachable(): Promise<void> {
    try {
      const res = await this.pool(this.base.origin).request({
        path: '/healthz',
        method: 'GET',
        ...(this.auth ? { headers: this.auth } : {}),
      });
      await res.body.dump();
    } catch (err) {
      throw new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the HTTP backend cannot be reached', {
        where: 'target http',
        got: `${this.base.origin} (${errorCode(err)})`,
        fix: 'start the backend (or `fleetstorm serve`) or correct the target URL',
      });
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, this.poolOptions);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private async postJson(
    path: string,
    body: unknown,
    startedUs: number,
  ): Promise<{ result: HttpResult; body: unknown }> {
    const url = new URL(path, this.base);
    const sent = JSON.stringify(body);
    await this.paced(Buffer.byteLength(sent));
    try {
      const res = await this.pool(url.origin).request({
        path: url.pathname,
        method: 'POST',
        headers: this.auth ? { ...JSON_HEADERS, ...this.auth } : JSON_HEADERS,
        body: sent,
      });
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const text = ok ? await res.body.text() : (await res.body.dump(), '');
      const result: HttpResult = { ok, status: res.statusCode, latencyUs: this.clock() - startedUs };
      if (!ok) result.error = `http_${res.statusCode}`;
      return { result, body: text === '' ? undefined : parseJson(text) };
    } catch (err) {
      return {
        result: { ok: false, status: 0, error: errorCode(err), latencyUs: this.clock() - startedUs },
        body: undefined,
      };
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
