// Device admission of the embedded Mender server: an auth request is admitted when its
// X-MEN-Signature verifies under the public key it carries (deviceauth devices_v1.yaml), its
// tenant token matches (when the server has one) and the device is accepted (auto-accept, or
// pre-authorised by id); the answer is an HS256 JWT. Every other device call must bear a valid,
// unexpired one.
import { createHmac, createPublicKey, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import type http from 'node:http';
import { issueDeviceJwt, verifyDeviceJwt, type DeviceClaims } from './jwt.js';
import { HttpFailure, isObject, parseJson } from './server-io.js';

export interface AdmissionOptions {
  /** Wall-clock ms since the epoch. */
  wallMs: () => number;
  /** HS256 key; random per server when absent. */
  secret?: Buffer;
  tokenTtlMs: number;
  /** `auto`: every device with a valid signature is accepted; `preauthorized`: only the listed ids. */
  acceptance: 'auto' | 'preauthorized';
  preauthorized?: Iterable<string>;
  tenantToken?: string;
}

export type Admission =
  | { ok: true; deviceId: string; token: string }
  | { ok: false; deviceId: string | null; why: 'signature' | 'tenant' | 'pending' };

/** The device id in `id_data`: its `id`, `serial` or `mac`, else the whole identity string. */
export function deviceIdOf(idData: string): string {
  let value: unknown;
  try {
    value = JSON.parse(idData);
  } catch {
    return idData;
  }
  if (!isObject(value)) return idData;
  for (const key of ['id', 'serial', 'mac']) if (typeof value[key] === 'string') return value[key];
  return idData;
}

/** Verifies an auth request's signature as the table in deviceauth devices_v1.yaml says. */
export function verifyAuthSignature(body: Buffer, pubkeyPem: string, signatureB64: string): boolean {
  let key: KeyObject;
  try {
    key = createPublicKey(pubkeyPem);
  } catch {
    throw new HttpFailure(400, 'pubkey is not a PEM public key');
  }
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec' && type !== 'ed25519')
    throw new HttpFailure(400, `unsupported key type ${type ?? 'unknown'}`);
  const signature = Buffer.from(signatureB64, 'base64');
  try {
    return verify(type === 'ed25519' ? null : 'sha256', body, key, signature);
  } catch {
    return false;
  }
}

export class Admissions {
  private readonly secret: Buffer;
  private readonly preauthorized: Set<string>;
  /** Devices seen but not accepted (the server's "pending" list). */
  readonly pending = new Set<string>();
  readonly accepted = new Set<string>();

  constructor(private readonly opts: AdmissionOptions) {
    this.secret = opts.secret ?? randomBytes(32);
    this.preauthorized = new Set(opts.preauthorized ?? []);
  }

  admit(body: Buffer, signature: string | undefined): Admission {
    const request = parseJson(body);
    if (!isObject(request) || typeof request.id_data !== 'string' || typeof request.pubkey !== 'string')
      throw new HttpFailure(400, 'id_data and pubkey must be strings');
    if (signature === undefined || signature === '') throw new HttpFailure(400, 'missing X-MEN-Signature');
    const deviceId = deviceIdOf(request.id_data);
    if (!verifyAuthSignature(body, request.pubkey, signature))
      return { ok: false, deviceId, why: 'signature' };
    const tenant = this.opts.tenantToken;
    if (tenant !== undefined && request.tenant_token !== tenant)
      return { ok: false, deviceId, why: 'tenant' };
    if (this.opts.acceptance === 'preauthorized' && !this.preauthorized.has(deviceId)) {
      this.pending.add(deviceId);
      return { ok: false, deviceId, why: 'pending' };
    }
    this.accepted.add(deviceId);
    return { ok: true, deviceId, token: this.issue(deviceId) };
  }

  private issue(deviceId: string): string {
    const nowMs = this.opts.wallMs();
    const claims: DeviceClaims = {
      sub: deviceId,
      iat: Math.floor(nowMs / 1000),
      exp: Math.floor((nowMs + this.opts.tokenTtlMs) / 1000),
      jti: randomUUID(),
      iss: 'Mender',
      'mender.device': true,
    };
    return issueDeviceJwt(this.secret, claims);
  }

  /** The device id of a valid bearer token, or why the call is refused (401). */
  bearer(req: http.IncomingMessage): { ok: true; deviceId: string } | { ok: false; why: string } {
    const header = req.headers.authorization;
    const m = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (m === null) return { ok: false, why: 'missing bearer token' };
    const check = verifyDeviceJwt(this.secret, m[1] ?? '', this.opts.wallMs());
    return check.ok ? { ok: true, deviceId: check.claims.sub } : { ok: false, why: `token ${check.reason}` };
  }

  /** A signed, expiring artifact link (Mender hands out pre-signed storage URLs). */
  linkQuery(path: string, ttlMs: number): string {
    const expire = new Date(this.opts.wallMs() + ttlMs).toISOString();
    const sig = createHmac('sha256', this.secret).update(`${path}\0${expire}`).digest('base64url');
    return `x-men-expire=${encodeURIComponent(expire)}&x-men-signature=${sig}`;
  }
}
