// TLS for the pool: one secure context per target (CA parsed once, not per connection), TLS
// session resumption through a small cache, and the test that tells a failed handshake
// (untrusted certificate, name mismatch, client certificate refused) from a socket error.
import net from 'node:net';
import tls from 'node:tls';
import type { MqttTarget } from './types.js';

/**
 * OpenSSL's certificate verification results as Node reports them in `err.code`
 * (X509_V_ERR_* without the prefix), plus Node's own name check.
 */
const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** A TLS failure (certificate, handshake alert, protocol) rather than a TCP one. */
export function isTlsError(err: NodeJS.ErrnoException): boolean {
  const code = err.code ?? '';
  return CERTIFICATE_ERRORS.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

/** Entries kept for per-device sessions; shared-identity targets need one entry each. */
const MAX_SESSIONS = 4096;

/**
 * The latest TLS session per key, offered on the next connect (abbreviated handshake). A
 * session carries the client's identity, so a per-device certificate gets its own key and
 * never resumes another device's session.
 */
export class TlsSessionCache {
  private readonly sessions = new Map<string, Buffer>();

  get(key: string): Buffer | undefined {
    return this.sessions.get(key);
  }

  set(key: string, session: Buffer): void {
    this.sessions.delete(key); // re-insert: Map order is the eviction order
    this.sessions.set(key, session);
    if (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** A TLS socket of the pool: its slot and the session cache key. */
export type PoolTlsSocket = tls.TLSSocket & { fsSlot: number; fsSessionKey: string };

const contexts = new WeakMap<MqttTarget, tls.SecureContext>();

/** The target's shared secure context (CA, fleet certificate), built on first use. */
export function sharedContext(target: MqttTarget): tls.SecureContext {
  let ctx = contexts.get(target);
  if (ctx === undefined) {
    ctx = tls.createSecureContext(target.tlsOptions ?? {});
    contexts.set(target, ctx);
  }
  return ctx;
}

export interface TlsConnectParams {
  target: MqttTarget;
  /** A device's own context (its certificate); default the target's shared one. */
  secureContext: tls.SecureContext | undefined;
  session: Buffer | undefined;
  localAddress: string | undefined;
}

export type TlsDialOptions = tls.ConnectionOptions & { localAddress?: string };

/** Options for tls.connect: servername from the host name, verification unless insecure. */
export function tlsConnectOptions(p: TlsConnectParams): TlsDialOptions {
  const t = p.target;
  const o = t.tlsOptions ?? {};
  const options: TlsDialOptions = {
    host: t.address ?? t.host,
    port: t.port,
    secureContext: p.secureContext ?? sharedContext(t),
    rejectUnauthorized: o.rejectUnauthorized !== false,
  };
  const servername = o.servername ?? (net.isIP(t.host) === 0 ? t.host : undefined);
  if (servername !== undefined) options.servername = servername;
  if (o.ALPNProtocols !== undefined) options.ALPNProtocols = o.ALPNProtocols;
  if (o.checkServerIdentity !== undefined) options.checkServerIdentity = o.checkServerIdentity;
  if (p.session !== undefined) options.session = p.session;
  if (p.localAddress !== undefined) options.localAddress = p.localAddress;
  return options;
}

/** Cache key of a target (and of a device when it brings its own certificate). */
export function sessionKeyOf(target: MqttTarget, id: number, ownIdentity: boolean): string {
  const base = `${target.host}:${target.port}`;
  return ownIdentity ? `${base}#${id}` : base;
}
