// The requests a DDI client makes, behind one function so that tests can watch every exchange
// (and check it against hawkBit's OpenAPI document) and the live wiring can share its transport.
// The default sender is undici with one Pool per origin (the server and, if artifacts live
// elsewhere, a CDN), through the run's `--resolve` map, `target.limits` and `target.tls`.
import { Pool } from 'undici';
import { monotonicUs } from '../../clock/real-clock.js';
import { targetConnector } from '../../transports/http/connector.js';
import { errorCode } from '../../transports/http/errors.js';
import type { HttpTransportOptions } from '../../transports/http/types.js';

export interface DdiRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Absolute URL (DDI's links are absolute). */
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
}

export interface DdiResponse {
  /** HTTP status, 0 when no response arrived. */
  status: number;
  /** The parsed JSON body, undefined when empty or not JSON. */
  body: unknown;
  /** Why no response arrived (`ECONNREFUSED`, `timeout`, ...). */
  error?: string;
  latencyUs: number;
}

export type DdiSend = (req: DdiRequest) => Promise<DdiResponse>;

export interface DdiTransport {
  send: DdiSend;
  close(): Promise<void>;
}

/** The HTTP transport's options but the base URL (DDI's links are absolute). */
export type DdiTransportOptions = Omit<HttpTransportOptions, 'baseUrl'>;

export function undiciDdiTransport(opts: DdiTransportOptions = {}): DdiTransport {
  const clock = opts.clock ?? monotonicUs;
  const connect = targetConnector(opts.resolve ?? {}, opts.limiter, opts.tls);
  const poolOptions: Pool.Options = {
    connections: opts.connectionsPerOrigin ?? 64,
    headersTimeout: opts.headersTimeoutMs ?? 10_000,
    bodyTimeout: opts.bodyTimeoutMs ?? 30_000,
    ...(connect ? { connect } : {}),
  };
  const pools = new Map<string, Pool>();
  const poolOf = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, poolOptions);
      pools.set(origin, pool);
    }
    return pool;
  };
  const send: DdiSend = async (req) => {
    const started = clock();
    const text = req.body === undefined ? undefined : JSON.stringify(req.body);
    const limiter = opts.limiter;
    if (limiter !== undefined)
      await limiter.pause(limiter.requestWaitMs(text === undefined ? 0 : text.length));
    try {
      const url = new URL(req.url);
      const headers =
        text === undefined ? req.headers : { ...req.headers, 'content-type': 'application/json' };
      const res = await poolOf(url.origin).request({
        path: url.pathname + url.search,
        method: req.method,
        headers,
        ...(text === undefined ? {} : { body: text }),
      });
      const raw = await res.body.text();
      return { status: res.statusCode, body: parseJson(raw), latencyUs: clock() - started };
    } catch (err) {
      return { status: 0, body: undefined, error: errorCode(err), latencyUs: clock() - started };
    }
  };
  return {
    send,
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.destroy()));
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
