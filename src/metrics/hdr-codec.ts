// The HdrHistogram V2 compressed encoding (what hdr-histogram-js encodeIntoCompressedBase64
// writes and decodeFromCompressedBase64 reads), straight from and to sparse bucket counts.
// A report holds one encoding per interval and metric; going through a full 29k-bucket
// JsHistogram for each cost ~0.5 ms per point, this costs about the deflate call. The output
// is byte-identical to the library's (a unit test checks), so either side can read the other.
import { deflateSync, inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import { HIST_HIGHEST_US, HIST_LOWEST_US, HIST_SIGNIFICANT_DIGITS } from './catalog.js';
import { newHistogram, type SparseHistogram } from './recorder.js';
import type { SparseLike } from './sparse.js';

// V2 cookies with the word-size nibble set to TLZE (0x10), as HdrHistogram writes them.
const V2_COOKIE = 0x1c849303 | 0x10;
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
const COOKIE_BASE_MASK = ~0xf0;
const HEADER_BYTES = 40;
const TWO_POW_32 = 2 ** 32;

/** The bucket layout every fleetstorm histogram shares; used for index ↔ value look-ups. */
export const LAYOUT: JsHistogram = newHistogram();

function putZigZag(out: number[], n: number): void {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  for (let i = 0; i < 8; i++) {
    if (v < 128) {
      out.push(v);
      return;
    }
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v % 256); // LEB128-64b9B: the 9th byte carries 8 bits
}

function header(payloadBytes: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.writeInt32BE(V2_COOKIE, 0);
  b.writeInt32BE(payloadBytes, 4);
  b.writeInt32BE(1, 8); // normalizingIndexOffset as hdr-histogram-js writes it
  b.writeInt32BE(HIST_SIGNIFICANT_DIGITS, 12);
  b.writeUInt32BE(Math.floor(HIST_LOWEST_US / TWO_POW_32), 16);
  b.writeUInt32BE(HIST_LOWEST_US % TWO_POW_32, 20);
  b.writeUInt32BE(Math.floor(HIST_HIGHEST_US / TWO_POW_32), 24);
  b.writeUInt32BE(HIST_HIGHEST_US % TWO_POW_32, 28);
  b.writeUInt32BE(0, 32); // integerToDoubleValueConversionRatio, written as the integer 1
  b.writeUInt32BE(1, 36);
  return b;
}

/** Compressed base64 V2 encoding of sparse counts (sorted indexes); '' when empty. */
export function encodeSparse(sparse: SparseLike): string {
  const payload: number[] = [];
  let next = 0;
  for (let i = 0; i < sparse.idx.length; i++) {
    const count = sparse.counts[i] as number;
    if (count === 0) continue;
    const idx = sparse.idx[i] as number;
    const gap = idx - next;
    // A single zero is written as a 0 count, a longer run of zeros as its negated length.
    if (gap === 1) putZigZag(payload, 0);
    else if (gap > 1) putZigZag(payload, -gap);
    putZigZag(payload, count);
    next = idx + 1;
  }
  if (next === 0) return '';
  const compressed = deflateSync(Buffer.concat([header(payload.length), Buffer.from(payload)]));
  const out = Buffer.alloc(8 + compressed.length);
  out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
  out.writeInt32BE(compressed.length, 4);
  compressed.copy(out, 8);
  return out.toString('base64');
}

function readZigZag(bytes: Buffer, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  let p = pos;
  for (let i = 0; i < 8; i++) {
    const b = bytes[p++] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value % 2 === 0 ? value / 2 : -(value + 1) / 2, p];
  }
  value += (bytes[p++] as number) * scale;
  return [value % 2 === 0 ? value / 2 : -(value + 1) / 2, p];
}

function sameLayout(b: Buffer): boolean {
  const lowest = b.readUInt32BE(16) * TWO_POW_32 + b.readUInt32BE(20);
  const highest = b.readUInt32BE(24) * TWO_POW_32 + b.readUInt32BE(28);
  return (
    b.readInt32BE(12) === HIST_SIGNIFICANT_DIGITS && lowest === HIST_LOWEST_US && highest === HIST_HIGHEST_US
  );
}

/** Sparse counts of a histogram in our layout (reads every bucket). */
export function sparseOf(hist: JsHistogram): SparseHistogram {
  const sparse: SparseHistogram = { idx: [], counts: [] };
  for (let i = 0; i < hist.countsArrayLength; i++) {
    const c = hist.getCountAtIndex(i);
    if (c !== 0) {
      sparse.idx.push(i);
      sparse.counts.push(c);
    }
  }
  return sparse;
}

/** Another layout (another tool's log): let the library re-bucket the values into ours. */
function decodeForeign(encoded: string): SparseHistogram {
  const target = newHistogram();
  target.add(hdr.decodeFromCompressedBase64(encoded, 64) as JsHistogram);
  return sparseOf(target);
}

function readPayload(raw: Buffer, encoded: string): SparseHistogram {
  if (
    raw.length < HEADER_BYTES ||
    (raw.readInt32BE(0) & COOKIE_BASE_MASK) !== (V2_COOKIE & COOKIE_BASE_MASK)
  ) {
    throw new Error('not an HdrHistogram V2 encoding');
  }
  if (!sameLayout(raw)) return decodeForeign(encoded);
  const end = HEADER_BYTES + raw.readInt32BE(4);
  if (end > raw.length) throw new Error('truncated HdrHistogram payload');
  const sparse: SparseHistogram = { idx: [], counts: [] };
  let index = 0;
  for (let pos = HEADER_BYTES; pos < end;) {
    const [value, p] = readZigZag(raw, pos);
    pos = p;
    if (value < 0) index += -value;
    else {
      if (value > 0) {
        sparse.idx.push(index);
        sparse.counts.push(value);
      }
      index++;
    }
  }
  if (index > LAYOUT.countsArrayLength) throw new Error('HdrHistogram payload exceeds the bucket range');
  return sparse;
}

/** Sparse counts from a compressed base64 V2 encoding ('' → empty); throws on bad input. */
export function decodeSparse(encoded: string): SparseHistogram {
  if (encoded === '') return { idx: [], counts: [] };
  const bytes = Buffer.from(encoded.trim(), 'base64');
  if (
    bytes.length < 8 ||
    (bytes.readInt32BE(0) & COOKIE_BASE_MASK) !== (V2_COMPRESSED_COOKIE & COOKIE_BASE_MASK)
  ) {
    throw new Error('not a compressed HdrHistogram V2 encoding');
  }
  const length = bytes.readInt32BE(4);
  if (length < 0 || 8 + length > bytes.length) throw new Error('truncated HdrHistogram encoding');
  return readPayload(inflateSync(bytes.subarray(8, 8 + length)), encoded);
}
