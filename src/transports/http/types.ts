// Public types of the live-mode HTTP transport (check-in, status, firmware download). Failures
// of the backend are results (ok: false + error), never exceptions.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { TargetLimiter } from '../limits/index.js';

export interface HttpTransportOptions {
  /** Origin of the check-in API, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** Monotonic clock in µs (real by default). */
  clock?: () => number;
  /** Connections per origin. Default 64. */
  connectionsPerOrigin?: number;
  /** Default 10 000. */
  headersTimeoutMs?: number;
  /** Idle time allowed between body chunks. Default 30 000. */
  bodyTimeoutMs?: number;
  /** Host name (lower case) → address to connect to instead of DNS (`--resolve`); TLS keeps the name. */
  resolve?: Readonly<Record<string, string>>;
  /** `target.limits` (shared with the MQTT side): connects, requests and bytes are paced by it. */
  limiter?: TargetLimiter;
  /** https:// targets: ca, cert, key, servername, rejectUnauthorized (`target.tls`). */
  tls?: TlsConnectionOptions;
}

export interface HttpResult {
  ok: boolean;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Why it failed: `http_503`, `ECONNREFUSED`, `timeout`, `aborted`, `bad_response`... */
  error?: string;
  /** From the intended start to the end of the response. */
  latencyUs: number;
}

export interface FirmwareOfferBody {
  version: string;
  sizeBytes: number;
  sha256: string;
  /** Path (relative to baseUrl) or absolute URL of the image. */
  url: string;
}

export interface CheckinResult extends HttpResult {
  offer: FirmwareOfferBody | null;
}

export interface StatusBody {
  deviceId: string;
  state: string;
  version?: string;
  detail?: string;
}

export type DownloadOutcome = 'complete' | 'aborted' | 'error';

export interface DownloadOptions {
  /** Resume state from an earlier call; created when absent. */
  cursor?: DownloadCursorLike;
  /** Start at this offset without earlier state (the digest then cannot be verified). */
  fromOffset?: number;
  expectedSha256?: string;
  /**
   * The image size the offer announced: a body that would go past it, or a complete one of
   * another size, is an error (`size_mismatch`), not a download to trust.
   */
  expectedBytes?: number;
  onProgress?: (offset: number, totalBytes: number) => void;
  /** Called per received chunk; reading waits while it returns a promise (a bandwidth limit). */
  pace?: (bytes: number) => Promise<void> | null;
  /** Abort mid-stream (radio drop, power loss). */
  signal?: AbortSignal;
  intendedUs?: number;
  /** Extra request headers (the target's `Authorization`). */
  headers?: Record<string, string>;
}

/** What a resumable download keeps between attempts (see download.ts DownloadCursor). */
export interface DownloadCursorLike {
  readonly offset: number;
  readonly etag: string | undefined;
  readonly totalBytes: number;
}

export interface DownloadResult extends HttpResult {
  outcome: DownloadOutcome;
  /** Body bytes received by this call. */
  receivedBytes: number;
  /** Bytes of this call the device already had (a 200 answered a range request). */
  redownloadedBytes: number;
  /** Image bytes held after this call (the next resume offset). */
  offset: number;
  /** Image size (from Content-Range or Content-Length), 0 if unknown. */
  totalBytes: number;
  /** This call continued from offset > 0 with a 206. */
  resumed: boolean;
  /** A range request was answered with the whole image (200): started over. */
  restarted: boolean;
  /** Digest matched (complete downloads with an expected digest and a full hash), else null. */
  verified: boolean | null;
  sha256: string | null;
}
