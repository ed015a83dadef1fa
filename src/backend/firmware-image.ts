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

/**
 * The largest image the embedded backend generates: its digest is computed once, at about
 * 1 GiB/s, before the first offer, so 4 GiB is seconds; 100 GiB would be minutes of a busy core.
 */
export const MAX_IMAGE_BYTES = 4 * 1024 ** 3;

const HASH_CHUNK = 1024 * 1024;
const HASH_ZEROS = Buffer.alloc(HASH_CHUNK);
const digests = new Map<string, Promise<string>>();

/** Lets timers, sockets and signals in between two chunks of a long computation. */
function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function computeSha256(image: ImageId): Promise<string> {
  const cipher = createCipheriv('aes-128-ctr', keyOf(image), counterIv(0));
  const hash = createHash('sha256');
  for (let left = image.sizeBytes; left > 0; left -= HASH_CHUNK) {
    hash.update(cipher.update(left >= HASH_CHUNK ? HASH_ZEROS : HASH_ZEROS.subarray(0, left)));
    await yieldToLoop(); // the event loop stays responsive (Ctrl-C, check-ins, keepalives)
  }
  return hash.digest('hex');
}

/**
 * SHA-256 (hex) of the whole image, computed once per (version, size) and shared by every
 * check-in that asks meanwhile; refused above MAX_IMAGE_BYTES.
 */
export function imageSha256(image: ImageId): Promise<string> {
  if (!(image.sizeBytes <= MAX_IMAGE_BYTES))
    return Promise.reject(new RangeError(`firmware image of ${image.sizeBytes} bytes above the cap`));
  const key = `${image.version}\0${image.sizeBytes}`;
  let digest = digests.get(key);
  if (digest === undefined) {
    digest = computeSha256(image);
    digests.set(key, digest);
    digest.catch(() => digests.delete(key));
  }
  return digest;
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
