// Reads a number field of a CBOR payload's top-level map (RFC 8949), for the subscriber's
// end-to-end markers of 3.1.1 devices with `cbor:` templates. Walks only the top level, skipping
// nested values by their heads; no decoded object is built.

/** True when the payload starts with a definite-length CBOR map (major type 5). */
export function isCborMap(payload: Buffer): boolean {
  const b = payload[0];
  return b !== undefined && b >= 0xa0 && b <= 0xbb;
}

/** Head at `p`: its major type, argument and where the content starts; null if unsupported. */
function readHead(d: Buffer, p: number): { major: number; arg: number; at: number } | null {
  if (p >= d.length) return null;
  const b = d[p] as number;
  const major = b >> 5;
  const info = b & 31;
  if (info < 24) return { major, arg: info, at: p + 1 };
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
  if (size === 0 || p + 1 + size > d.length) return null; // indefinite lengths are not ours
  let arg: number;
  if (size === 1) arg = d[p + 1] as number;
  else if (size === 2) arg = d.readUInt16BE(p + 1);
  else if (size === 4) arg = d.readUInt32BE(p + 1);
  else arg = d.readUInt32BE(p + 1) * 2 ** 32 + d.readUInt32BE(p + 5);
  return { major, arg, at: p + 1 + size };
}

/** The offset after the item at `p`, or -1. */
function skip(d: Buffer, p: number): number {
  const h = readHead(d, p);
  if (h === null) return -1;
  switch (h.major) {
    case 0:
    case 1:
    case 7: // simple values and floats: their size is in the head's argument width
      return h.at;
    case 2:
    case 3:
      return h.at + h.arg;
    case 6:
      return skip(d, h.at);
    default: {
      let q = h.at;
      const items = h.major === 5 ? h.arg * 2 : h.arg;
      for (let i = 0; i < items && q >= 0; i++) q = skip(d, q);
      return q;
    }
  }
}

/** The number at `p` (integer or float), or null. */
function numberAt(d: Buffer, p: number): number | null {
  const h = readHead(d, p);
  if (h === null) return null;
  if (h.major === 0) return h.arg;
  if (h.major === 1) return -1 - h.arg;
  if (h.major !== 7) return null;
  const info = (d[p] as number) & 31;
  if (info === 26) return d.readFloatBE(p + 1);
  if (info === 27) return d.readDoubleBE(p + 1);
  return null;
}

/**
 * The number under the first of `keys` (each a CBOR-encoded text key) found in the payload's
 * top-level map, or null.
 */
export function cborTopLevelNumber(d: Buffer, keys: readonly Buffer[]): number | null {
  const map = readHead(d, 0);
  if (map === null || map.major !== 5) return null;
  let p = map.at;
  for (let i = 0; i < map.arg && p >= 0 && p < d.length; i++) {
    const valueAt = skip(d, p);
    if (valueAt < 0) return null;
    for (const k of keys) {
      if (valueAt - p === k.length && d.compare(k, 0, k.length, p, valueAt) === 0)
        return numberAt(d, valueAt);
    }
    p = skip(d, valueAt);
  }
  return null;
}
