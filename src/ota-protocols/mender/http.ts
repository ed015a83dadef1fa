// The device side's HTTP exchanges with a Mender server over undici (one Pool per origin, the
// run's `--resolve` map, `target.limits` and TLS as the fleetstorm protocol uses them). Every
// failure comes back as a result (status 0 + a short code), never as an exception.
import { Pool } from 'undici';
import { ToolError } from '../../errors/tool-error.js';
import { targetConnector } from '../../transports/http/connector.js';
import { errorCode } from '../../transports/http/errors.js';
import type { HttpTransportOptions } from '../../transports/http/types.js';
import type { MenderEndpoint } from './wire.js';

export interface MenderExchange {
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  body: string;
  /** `http_401`, `ECONNREFUSED`, `timeout`, ... when status is not 2xx. */
  error?: string;
  latencyUs: number;
}

/** Called once per exchange: per-endpoint request counts and latencies for the report. */
export type MenderObserver = (endpoint: MenderEndpoint, status: number, latencyUs: number) => void;

export interface MenderRequest {
  endpoint: MenderEndpoint;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export class MenderHttp {
  readonly base: URL;
  private readonly pool: Pool;
  private readonly clockUs: () => number;
  private readonly limiter: HttpTransportOptions['limiter'];

  constructor(
    opts: HttpTransportOptions & { clock: () => number },
    private readonly observe?: MenderObserver,
  ) {
    try {
      this.base = new URL(opts.baseUrl);
    } catch {
      throw new ToolError('FLEETSTORM_ERR_TARGET_UNREACHABLE', 'the Mender server URL is not a URL', {
        where: 'target http',
        got: opts.baseUrl,
        fix: 'use http://host:port or https://host of the Mender server',
      });
    }
    this.clockUs = opts.clock;
    const connect = targetConnector(opts.resolve ?? {}, opts.limiter, opts.tls);
    this.pool = new Pool(this.base.origin, {
      connections: opts.connectionsPerOrigin ?? 64,
      headersTimeout: opts.headersTimeoutMs ?? 10_000,
      bodyTimeout: opts.bodyTimeoutMs ?? 30_000,
      ...(connect ? { connect } : {}),
    });
    this.limiter = opts.limiter;
  }

  async request(req: MenderRequest): Promise<MenderExchange> {
    const started = this.clockUs();
    const limiter = this.limiter;
    if (limiter !== undefined) {
      const bytes = req.body === undefined ? 0 : Buffer.byteLength(req.body);
      await limiter.pause(limiter.requestWaitMs(bytes));
    }
    let out: MenderExchange;
    try {
      const res = await this.pool.request({
        path: req.path,
        method: req.method,
        headers: req.headers,
        ...(req.body === undefined ? {} : { body: req.body }),
      });
      const body = await res.body.text();
      out = { status: res.statusCode, body, latencyUs: this.clockUs() - started };
      if (res.statusCode < 200 || res.statusCode >= 300) out.error = `http_${res.statusCode}`;
    } catch (err) {
      out = { status: 0, body: '', error: errorCode(err), latencyUs: this.clockUs() - started };
    }
    this.observe?.(req.endpoint, out.status, out.latencyUs);
    return out;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
