// Token generators, signed with node:crypto: JSON Web Tokens (RFC 7519; HS256, RS256, ES256 as
// RFC 7518 §3) and Azure IoT Hub shared access signatures. Pure given the key and the time.
import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { ToolError } from '../errors/tool-error.js';
import type { JwtAlg } from '../scenario/types.js';

export type JwtKey = { alg: 'HS256'; secret: Buffer } | { alg: 'RS256' | 'ES256'; key: KeyObject };

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

function badKey(where: string, what: string, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SECRET_UNAVAILABLE', what, { where, fix });
}

/** Parses the key material once; the error never quotes it. */
export function jwtKey(alg: JwtAlg, material: string, where: string): JwtKey {
  if (alg === 'HS256') return { alg, secret: Buffer.from(material, 'utf8') };
  let key: KeyObject;
  try {
    key = createPrivateKey(material);
  } catch {
    throw badKey(
      where,
      `the ${alg} key is not a PEM private key`,
      'point `key` at a PEM file (-----BEGIN PRIVATE KEY-----)',
    );
  }
  const want = alg === 'RS256' ? 'rsa' : 'ec';
  const curveOk = alg === 'RS256' || key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (key.asymmetricKeyType !== want || !curveOk)
    throw badKey(
      where,
      `the key does not fit ${alg} (got a ${key.asymmetricKeyType ?? 'unknown'} key)`,
      alg === 'RS256'
        ? 'use an RSA private key'
        : 'use an EC P-256 private key (openssl ecparam -name prime256v1)',
    );
  return { alg, key };
}

/** A signed compact JWT with `iat` and `exp` (seconds since the epoch) added to the claims. */
export function signJwt(
  k: JwtKey,
  claims: Record<string, unknown>,
  nowMs: number,
  lifetimeMs: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  const payload = { ...claims, iat, exp: iat + Math.max(1, Math.floor(lifetimeMs / 1000)) };
  const input = `${b64url(JSON.stringify({ alg: k.alg, typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  const sig =
    k.alg === 'HS256'
      ? createHmac('sha256', k.secret).update(input).digest()
      : sign(
          'sha256',
          Buffer.from(input),
          k.alg === 'ES256' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key,
        );
  return `${input}.${b64url(sig)}`;
}

/** Decodes a base64 SAS key once; the error never quotes it. */
export function sasKey(material: string, where: string): Buffer {
  const text = material.trim();
  const key = Buffer.from(text, 'base64');
  if (text === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length === 0)
    throw badKey(where, 'the SAS key is not base64', 'use the device key as the IoT Hub shows it (base64)');
  return key;
}

/**
 * `SharedAccessSignature sr=<url-encoded resource>&sig=<url-encoded base64 HMAC-SHA256 of
 * "sr\nse">&se=<expiry, s since the epoch>[&skn=<policy>]`, as Azure IoT Hub checks it.
 */
export function sasToken(
  key: Buffer,
  resource: string,
  nowMs: number,
  lifetimeMs: number,
  policy: string | null,
): string {
  const sr = encodeURIComponent(resource);
  const se = Math.floor(nowMs / 1000) + Math.max(1, Math.floor(lifetimeMs / 1000));
  const sig = encodeURIComponent(createHmac('sha256', key).update(`${sr}\n${se}`).digest('base64'));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}${policy === null ? '' : `&skn=${encodeURIComponent(policy)}`}`;
}
