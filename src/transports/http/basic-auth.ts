// Credentials in the HTTP target URL (`http://user:pass@host`): undici ignores a URL's user
// info, so they become an `Authorization: Basic` header [RFC 7617], sent only to the target's
// own origin (never to a CDN an offer points at). The password is remembered by the redactor.
import { rememberSecret } from '../../secrets/redact.js';

/** The header for `base`'s user info, or null when it has none. */
export function basicAuthHeader(base: URL): Record<string, string> | null {
  if (base.username === '' && base.password === '') return null;
  const user = decodeURIComponent(base.username);
  const pass = decodeURIComponent(base.password);
  rememberSecret(pass);
  const value = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
  rememberSecret(value.slice(6));
  return { authorization: value };
}
