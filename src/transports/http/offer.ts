// A check-in answer's firmware offer, read as untrusted input: what a server answers must make
// sense before a device follows it. The URL must be http(s) to a real host (never an
// unspecified, broadcast or multicast address, which no target may be either); the size must be
// a whole number of bytes below a sane cap (the download then checks it against what arrives).
import net from 'node:net';
import type { FirmwareOfferBody } from './types.js';

/** No firmware image is larger than this; a bigger offer is a broken or hostile answer. */
export const MAX_OFFER_SIZE_BYTES = 64 * 1024 ** 3;

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** Addresses no connection may go to: unspecified, broadcast, multicast. */
export function isUnroutableHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  if (h === '') return true;
  if (net.isIPv4(h)) {
    const first = Number(h.split('.')[0]);
    return first === 0 || h === '255.255.255.255' || (first >= 224 && first <= 239);
  }
  if (net.isIPv6(h)) {
    const lower = h.toLowerCase();
    return /^(0*:)*:?0*$/.test(lower) || lower.startsWith('ff') || /^::ffff:0\./.test(lower);
  }
  return false;
}

/** Why an offer URL (absolute, or a path relative to `base`) must not be followed; null if fine. */
export function offerUrlProblem(url: string, base: URL): string | null {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `scheme ${u.protocol} is not http(s)`;
  if (u.username !== '' || u.password !== '') return 'credentials in the URL';
  if (isUnroutableHost(u.hostname)) return `host ${u.hostname || '(none)'} is not an address to connect to`;
  return null;
}

/** The offer of a check-in answer: null for none, undefined when malformed or not to follow. */
export function readOffer(body: unknown, base: URL): FirmwareOfferBody | null | undefined {
  if (typeof body !== 'object' || body === null || !('offer' in body)) return undefined;
  const offer = (body as { offer: unknown }).offer;
  if (offer === null) return null;
  if (typeof offer !== 'object') return undefined;
  const o = offer as Record<string, unknown>;
  if (typeof o.version !== 'string' || typeof o.sha256 !== 'string' || typeof o.url !== 'string')
    return undefined;
  const size = o.sizeBytes;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || size > MAX_OFFER_SIZE_BYTES)
    return undefined;
  if (!SHA256_HEX.test(o.sha256) || offerUrlProblem(o.url, base) !== null) return undefined;
  return { version: o.version, sizeBytes: size, sha256: o.sha256, url: o.url };
}

/** Why a protocol's deployment must not be followed (URL, size, digest); null if fine. */
export function deploymentProblem(
  dep: { url: string; sizeBytes: number | null; sha256: string | null },
  base: URL,
): string | null {
  const url = offerUrlProblem(dep.url, base);
  if (url !== null) return url;
  const size = dep.sizeBytes;
  if (size !== null && (!Number.isSafeInteger(size) || size < 0 || size > MAX_OFFER_SIZE_BYTES))
    return `size ${size} is not a firmware image size`;
  if (dep.sha256 !== null && !SHA256_HEX.test(dep.sha256)) return 'sha256 is not 64 hex digits';
  return null;
}
