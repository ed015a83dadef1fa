// A device type's password as a maker: secret references read once (here, at run time), templates
// compiled once, tokens signed per device when needed. Every value read is remembered by the
// redactor; tokens are recognised by their shape (src/secrets/redact.ts).
import { rememberSecret } from '../secrets/redact.js';
import { parseSecretRefs, readSecretRef, resolveSecretText, type SecretSources } from '../secrets/refs.js';
import type { PasswordSource } from '../scenario/types.js';
import { compileTemplate, isConstantTemplate, type DeviceFacts, type DeviceTemplate } from './template.js';
import { jwtKey, sasKey, sasToken, signJwt } from './tokens.js';

export interface PasswordMaker {
  /** Real (wall-clock) ms a made password stays valid; Infinity for a fixed password. */
  lifetimeMs: number;
  /** Reads a file per device (checked for every device before a run). */
  perDevice: boolean;
  make(f: DeviceFacts, nowMs: number): string;
}

/**
 * A template with `${env:…}`/`${file:…}` parts. Fleet-wide references are read now; a file per
 * device (`${file:passwords/{id}.txt}`) is read at each connect of that device.
 */
export function secretTemplate(
  text: string,
  where: string,
  src: SecretSources,
  constants: Record<string, string> = {},
): DeviceTemplate & { perDevice: boolean } {
  const parts = parseSecretRefs(text, where).map((p): string | DeviceTemplate => {
    if (typeof p === 'string') {
      const t = compileTemplate(p, where, { constants, secret: true });
      return isConstantTemplate(p, where) ? t(NO_FACTS) : t;
    }
    if (p.from === 'env' || isConstantTemplate(p.path, where)) return readSecretRef(p, where, src);
    const path = compileTemplate(p.path, where);
    return (f) => readSecretRef({ from: 'file', path: path(f) }, where, src, false);
  });
  const perDevice = parts.some((p) => typeof p !== 'string');
  if (!perDevice) {
    const fixed = parts.join('');
    rememberSecret(fixed); // a password written literally is a secret too
    return Object.assign(() => fixed, { perDevice });
  }
  const fill: DeviceTemplate = (f) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(f);
    return out;
  };
  return Object.assign(fill, { perDevice });
}

/** Facts for a template that names none. */
const NO_FACTS: DeviceFacts = { index: 0, type: '', id: '', shard: 0, run: '', seq: 0 };

export function passwordMaker(p: PasswordSource, where: string, src: SecretSources): PasswordMaker {
  if (p.kind === 'text') {
    const t = secretTemplate(p.text, where, src);
    return { lifetimeMs: Infinity, perDevice: t.perDevice, make: (f) => t(f) };
  }
  const lifetimeMs = p.expiryUs / 1000;
  if (p.kind === 'jwt') {
    const keyWhere = `${where}.jwt.${p.alg === 'HS256' ? 'secret' : 'key'}`;
    const key = jwtKey(p.alg, secretText(p.key, keyWhere, src), keyWhere);
    const claims = Object.entries(p.claims).map(([name, v]) => {
      const t = typeof v === 'string' ? compileTemplate(v, `${where}.jwt.claims.${name}`) : null;
      return { name, t, v };
    });
    return {
      lifetimeMs,
      perDevice: false,
      make(f, nowMs) {
        const c: Record<string, unknown> = {};
        for (const { name, t, v } of claims) c[name] = t === null ? v : t(f);
        return signJwt(key, c, nowMs, lifetimeMs);
      },
    };
  }
  const key = sasKey(secretText(p.key, `${where}.sas.key`, src), `${where}.sas.key`);
  const resource = compileTemplate(p.resource, `${where}.sas.resource`, { constants: { hub: p.hub } });
  return {
    lifetimeMs,
    perDevice: false,
    make: (f, nowMs) => sasToken(key, resource(f), nowMs, lifetimeMs, p.policy),
  };
}

/** Key material: references read, the whole remembered (also when written literally). */
function secretText(text: string, where: string, src: SecretSources): string {
  const v = resolveSecretText(text, where, src);
  rememberSecret(v);
  return v;
}
