// connectivity.client-id / username / password: checked at load time (templates compile,
// references are well formed, a JWT has the key its algorithm needs) and kept as written, so
// the resolved scenario holds references, never secret values. Pure.
import { ToolError } from '../errors/tool-error.js';
import { compileTemplate, factsOf, isConstantTemplate } from '../identity/template.js';
import { parseSecretRefs } from '../secrets/refs.js';
import type { At } from './resolve-device.js';
import type { PasswordParsed } from './schema-identity.js';
import type { DeviceType, IdentityConfig, PasswordSource } from './types.js';
import { parseDurationUs } from './units.js';

export interface IdentityParsed {
  'client-id': string;
  username?: string | undefined;
  password?: PasswordParsed | undefined;
}

/** Placeholders fixed at load time by a SAS password (`{hub}`). */
function constantsOf(p: PasswordParsed | undefined): Record<string, string> {
  return p !== undefined && typeof p !== 'string' && 'sas' in p ? { hub: p.sas.hub } : {};
}

/**
 * Compiles a template that may hold `${env:…}`/`${file:…}` references between its parts; a
 * file path may name the device (`${file:passwords/{id}.txt}`), but not `{run}` or `{seq}`,
 * which change between runs and connects (every device's file is checked before a run).
 */
export function checkSecretTemplate(
  text: string,
  where: string,
  constants: Record<string, string> = {},
): void {
  for (const part of parseSecretRefs(text, where)) {
    if (typeof part === 'string') compileTemplate(part, where, { constants, secret: true });
    else if (part.from === 'file') {
      const varying = factsOf(part.path, where).find((f) => f === 'run' || f === 'seq');
      if (varying !== undefined)
        throw new ToolError(
          'FLEETSTORM_ERR_SCENARIO_INVALID',
          `a secret file path cannot name {${varying}}`,
          {
            where,
            fix: 'name the device with {id}, {index}, {type} or {shard}',
          },
        );
    }
  }
}

function checkKey(text: string, where: string): void {
  // Well-formed references, read when a run starts; a key is the fleet's, not per device.
  for (const part of parseSecretRefs(text, where))
    if (typeof part !== 'string' && part.from === 'file' && !isConstantTemplate(part.path, where))
      throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', 'a signing key is one file for the fleet', {
        where,
        fix: 'remove the placeholder from the path (per-device secrets go in a text password)',
      });
}

function resolvePassword(p: PasswordParsed, at: At, path: string): PasswordSource {
  if (typeof p === 'string') {
    checkSecretTemplate(p, at(path), constantsOf(p));
    return { kind: 'text', text: p };
  }
  if ('jwt' in p) {
    const j = p.jwt;
    const wantsSecret = j.alg === 'HS256';
    const key = wantsSecret ? j.secret : j.key;
    const field = wantsSecret ? 'secret' : 'key';
    if (key === undefined || (wantsSecret ? j.key : j.secret) !== undefined) {
      throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', `${j.alg} signs with \`${field}\` only`, {
        where: at(`${path}.jwt.${field}`),
        fix: wantsSecret
          ? 'give `secret: ${env:JWT_SECRET}` (and no `key`)'
          : 'give `key: ${file:keys/device.key}` (a PEM private key, and no `secret`)',
      });
    }
    checkKey(key, at(`${path}.jwt.${field}`));
    for (const [name, v] of Object.entries(j.claims)) {
      if (name === 'exp' || name === 'iat')
        throw new ToolError(
          'FLEETSTORM_ERR_SCENARIO_INVALID',
          `the \`${name}\` claim is set from the clock`,
          {
            where: at(`${path}.jwt.claims.${name}`),
            fix: 'remove it; `expiry` sets the token lifetime',
          },
        );
      if (typeof v === 'string') compileTemplate(v, at(`${path}.jwt.claims.${name}`));
    }
    const expiryUs = positiveExpiry(j.expiry, at(`${path}.jwt.expiry`));
    return { kind: 'jwt', alg: j.alg, key, claims: j.claims, expiryUs };
  }
  const sas = p.sas;
  checkKey(sas.key, at(`${path}.sas.key`));
  compileTemplate(sas.resource, at(`${path}.sas.resource`), { constants: { hub: sas.hub } });
  const expiryUs = positiveExpiry(sas.expiry, at(`${path}.sas.expiry`));
  return {
    kind: 'sas',
    hub: sas.hub,
    key: sas.key,
    resource: sas.resource,
    policy: sas.policy ?? null,
    expiryUs,
  };
}

function positiveExpiry(text: string, where: string): number {
  const us = parseDurationUs(text, where);
  if (us < 1_000_000)
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', 'a token lifetime must be at least 1s', {
      where,
      got: text,
      fix: 'use e.g. `1h`',
    });
  return us;
}

/** `path` is where the identity fields sit (`connectivity`, or a profile's `connectivity`). */
export function resolveIdentity(c: IdentityParsed, at: At, path = 'connectivity'): IdentityConfig {
  const constants = constantsOf(c.password);
  compileTemplate(c['client-id'], at(`${path}.client-id`), { constants });
  if (c.username !== undefined) compileTemplate(c.username, at(`${path}.username`), { constants });
  return {
    clientId: c['client-id'],
    username: c.username ?? null,
    password: c.password === undefined ? null : resolvePassword(c.password, at, `${path}.password`),
  };
}

/** A profile's `connectivity:` identity fields; absent keys leave the device types' alone. */
export type IdentityOverlay = Partial<IdentityConfig>;

export function resolveIdentityOverlay(
  c: Partial<IdentityParsed> | undefined,
  at: At,
): IdentityOverlay | undefined {
  if (c === undefined) return undefined;
  const constants = constantsOf(c.password);
  const out: IdentityOverlay = {};
  if (c['client-id'] !== undefined) {
    compileTemplate(c['client-id'], at('connectivity.client-id'), { constants });
    out.clientId = c['client-id'];
  }
  if (c.username !== undefined) {
    compileTemplate(c.username, at('connectivity.username'), { constants });
    out.username = c.username;
  }
  if (c.password !== undefined) out.password = resolvePassword(c.password, at, 'connectivity.password');
  return out;
}

/** Every device type with the overlay's identity fields over its own. */
export function overlayIdentity(
  types: Record<string, DeviceType>,
  o: IdentityOverlay | undefined,
): Record<string, DeviceType> {
  if (o === undefined) return types;
  return Object.fromEntries(
    Object.entries(types).map(([name, t]) => [
      name,
      { ...t, connectivity: { ...t.connectivity, identity: { ...t.connectivity.identity, ...o } } },
    ]),
  );
}
