// Device JWTs (RFC 7519) as the embedded Mender server issues them: HS256 under the server's
// secret, `sub` = the device id, `exp` in seconds. The device side only reads `exp`, to ask for
// a new token before the old one runs out (it re-authenticates on a 401 as well).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DeviceClaims {
  sub: string;
  /** Seconds since the Unix epoch. */
  exp: number;
  iat: number;
  jti: string;
  iss: 'Mender';
  'mender.device': true;
  'mender.tenant'?: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function mac(secret: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

export function issueDeviceJwt(secret: Buffer, claims: DeviceClaims): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${mac(secret, input).toString('base64url')}`;
}

export type JwtCheck =
  { ok: true; claims: DeviceClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** Verifies an HS256 device token at `nowMs` (ms since the epoch). */
export function verifyDeviceJwt(secret: Buffer, token: string, nowMs: number): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(parts[2] ?? '', 'base64url');
  const want = mac(secret, `${parts[0]}.${parts[1]}`);
  if (given.length !== want.length || !timingSafeEqual(given, want))
    return { ok: false, reason: 'signature' };
  const claims = payloadOf(token) as DeviceClaims | null;
  if (claims === null || typeof claims.sub !== 'string' || typeof claims.exp !== 'number')
    return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** The payload of any JWT, unverified (the device reads its own token's `exp`). */
export function payloadOf(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** `exp` of a token in ms since the epoch, or null when it has none. */
export function expiryMsOf(token: string): number | null {
  const exp = payloadOf(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
}
