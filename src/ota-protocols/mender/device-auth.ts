// Device authentication against a Mender server: `POST .../authentication/auth_requests` with
// `{id_data, pubkey, tenant_token?}` signed by the device's key (X-MEN-Signature); the JWT in the
// 200 answer is the bearer of every other call until it expires or a call answers 401. A 401 to
// the auth request itself means the device is not (yet) accepted: pending in the server's UI.
import type { OtaDeviceFacts } from '../types.js';
import { identityDataOf } from './inventory.js';
import { expiryMsOf } from './jwt.js';
import { signAuthRequest, type DeviceKeys } from './keys.js';
import type { MenderHttp } from './http.js';
import { MENDER_PATHS } from './wire.js';

/** A token is renewed this long before its `exp`, so no call goes out with a stale one. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;

export type TokenAnswer = { ok: true; token: string } | { ok: false; reason: string };

interface TokenState {
  token: string;
  /** ms since the epoch; null: the token carries no `exp` (kept until a 401). */
  expMs: number | null;
}

export class DeviceAuth {
  private readonly tokens = new Map<string, TokenState>();
  private readonly pending = new Map<string, Promise<TokenAnswer>>();
  /** Auth requests sent, and those answered with a token. */
  requests = 0;
  accepted = 0;

  constructor(
    private readonly http: MenderHttp,
    private readonly keys: DeviceKeys,
    private readonly wallMs: () => number,
    private readonly tenantToken: string | undefined,
  ) {}

  /** The device's token, authenticating first when it has none or it is about to expire. */
  token(dev: OtaDeviceFacts): Promise<TokenAnswer> {
    const held = this.tokens.get(dev.id);
    if (held !== undefined && (held.expMs === null || held.expMs - RENEW_BEFORE_EXPIRY_MS > this.wallMs()))
      return Promise.resolve({ ok: true, token: held.token });
    return this.authenticate(dev);
  }

  /** The device lets its token go (the Mender client does on entering the commit). */
  drop(dev: OtaDeviceFacts): void {
    this.tokens.delete(dev.id);
  }

  /** A call answered 401: the token is no longer good. */
  forget(dev: OtaDeviceFacts, token: string): void {
    if (this.tokens.get(dev.id)?.token === token) this.tokens.delete(dev.id);
  }

  private authenticate(dev: OtaDeviceFacts): Promise<TokenAnswer> {
    const inFlight = this.pending.get(dev.id);
    if (inFlight !== undefined) return inFlight;
    const asked = this.ask(dev).finally(() => this.pending.delete(dev.id));
    this.pending.set(dev.id, asked);
    return asked;
  }

  private async ask(dev: OtaDeviceFacts): Promise<TokenAnswer> {
    const key = await this.keys.get(dev.id);
    const request: Record<string, string> = { id_data: identityDataOf(dev), pubkey: key.publicPem };
    if (this.tenantToken !== undefined) request.tenant_token = this.tenantToken;
    const body = Buffer.from(JSON.stringify(request));
    this.requests++;
    const res = await this.http.request({
      endpoint: 'auth',
      method: 'POST',
      path: MENDER_PATHS.auth,
      headers: {
        'content-type': 'application/json',
        // the Mender client sends its tenant token here too (`Bearer ` when it has none)
        authorization: `Bearer ${this.tenantToken ?? ''}`,
        'x-men-signature': signAuthRequest(key, body),
      },
      body,
    });
    if (res.status !== 200)
      return { ok: false, reason: res.status === 401 ? 'unauthorized' : (res.error ?? 'auth') };
    const token = tokenOf(res.body);
    if (token === null) return { ok: false, reason: 'bad_response' };
    this.accepted++;
    this.tokens.set(dev.id, { token, expMs: expiryMsOf(token) });
    return { ok: true, token };
  }
}

/** The JWT of a 200: the raw token (`application/jwt`), or a JSON string as the spec writes it. */
function tokenOf(body: string): string | null {
  let text = body.trim();
  if (text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'string') return null;
      text = parsed;
    } catch {
      return null;
    }
  }
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(text) ? text : null;
}
