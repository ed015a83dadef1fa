// Firmware images generated, never stored: the bytes of (version, size) are the AES-128-CTR
// keystream under a key derived from both. CTR mode gives random access (a Range starts at
// any offset with its counter block), it runs at native speed, and a 1 GiB image costs no memory.
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

export interface ImageId {
  version: string;
  sizeBytes: number;
}

function keyOf(image: ImageId): Buffer {
  return createHash('sha256')
    .update(`fleetstorm-firmware\0${image.version}\0${image.sizeBytes}`)
    .digest()
    .subarray(0, 16);
}

/** Strong ETag: the content is a function of (version, size) alone. */
export function etagOf(image: ImageId): string {
  const tag = createHash('sha256').update(`etag\0${image.version}\0${image.sizeBytes}`).digest('hex');
  return `"fw-${tag.slice(0, 24)}"`;
}

function counterIv(block: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUIntBE(block, 10, 6); // 48-bit block counter: images up to 4 PiB
  return iv;
}

/** Bytes [start, endExclusive) of the image as a stream with backpressure. */
export function imageStream(image: ImageId, start: number, endExclusive: number): Readable {
  const block = Math.floor(start / 16);
  const cipher = createCipheriv('aes-128-ctr', keyOf(image), counterIv(block));
  let skip = start - block * 16;
  let remaining = endExclusive - start;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (remaining <= 0) return void this.push(null);
      const want = Math.min(CHUNK, remaining + skip);
      let bytes = cipher.update(want === CHUNK ? ZEROS : ZEROS.subarray(0, want));
      if (skip > 0) {
        bytes = bytes.subarray(skip);
        skip = 0;
      }
      remaining -= bytes.length;
      this.push(bytes);
    },
  });
}

const digests = new Map<string, string>();

/** SHA-256 (hex) of the whole image, computed once per (version, size). */
export async function imageSha256(image: ImageId): Promise<string> {
  const key = `${image.version}\0${image.sizeBytes}`;
  const known = digests.get(key);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  for await (const chunk of imageStream(image, 0, image.sizeBytes)) hash.update(chunk as Buffer);
  const hex = hash.digest('hex');
  digests.set(key, hex);
  return hex;
}

/** A satisfiable single byte range, or 'unsatisfiable', or null (serve the whole image). */
export type ByteRange = { start: number; endExclusive: number } | 'unsatisfiable' | null;

/** Parses `Range: bytes=N-`, `bytes=N-M`, `bytes=-S` (RFC 9110 §14.1.2); multi-range → null. */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return null;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), endExclusive: size };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null;
  return { start, endExclusive: end + 1 };
}
