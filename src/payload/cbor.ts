// A small CBOR writer (RFC 8949) for payload templates: definite-length maps, arrays and text,
// integers in their shortest head, other numbers as float32 when exact, else float64 (§4.2.2
// preferred serialization). It writes into one growing scratch buffer: no allocation per value.

const MAJOR = { unsigned: 0, negative: 1, bytes: 2, text: 3, array: 4, map: 5 } as const;
const SIMPLE = { false: 0xf4, true: 0xf5, null: 0xf6, float32: 0xfa, float64: 0xfb } as const;
const TWO_32 = 2 ** 32;

export class CborWriter {
  buf = Buffer.allocUnsafe(1024);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  /** The bytes written since reset(): a view, valid until the next write. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + bytes));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** A major type with its argument in the shortest form [RFC 8949 §3]. */
  head(major: number, n: number): void {
    this.room(9);
    const b = this.buf;
    let o = this.length;
    const m = major << 5;
    if (n < 24) b[o++] = m | n;
    else if (n < 0x100) {
      b[o++] = m | 24;
      b[o++] = n;
    } else if (n < 0x10000) {
      b[o++] = m | 25;
      b.writeUInt16BE(n, o);
      o += 2;
    } else if (n < TWO_32) {
      b[o++] = m | 26;
      b.writeUInt32BE(n, o);
      o += 4;
    } else {
      b[o++] = m | 27;
      b.writeUInt32BE(Math.floor(n / TWO_32), o);
      b.writeUInt32BE(n % TWO_32, o + 4);
      o += 8;
    }
    this.length = o;
  }

  number(v: number): void {
    if (Number.isSafeInteger(v)) {
      if (v >= 0) this.head(MAJOR.unsigned, v);
      else this.head(MAJOR.negative, -1 - v);
      return;
    }
    this.room(9);
    const b = this.buf;
    if (Math.fround(v) === v || Number.isNaN(v)) {
      b[this.length] = SIMPLE.float32;
      b.writeFloatBE(v, this.length + 1);
      this.length += 5;
    } else {
      b[this.length] = SIMPLE.float64;
      b.writeDoubleBE(v, this.length + 1);
      this.length += 9;
    }
  }

  text(s: string): void {
    const bytes = Buffer.byteLength(s);
    this.head(MAJOR.text, bytes);
    this.room(bytes);
    this.length += this.buf.write(s, this.length, bytes, 'utf8');
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  mapHead(entries: number): void {
    this.head(MAJOR.map, entries);
  }

  arrayHead(items: number): void {
    this.head(MAJOR.array, items);
  }

  /** A JSON value (as YAML gives it) in full; false when it has no CBOR form here. */
  value(v: unknown): boolean {
    if (v === null) this.simple(SIMPLE.null);
    else if (v === true) this.simple(SIMPLE.true);
    else if (v === false) this.simple(SIMPLE.false);
    else if (typeof v === 'number') this.number(v);
    else if (typeof v === 'string') this.text(v);
    else if (Array.isArray(v)) {
      this.arrayHead(v.length);
      for (const item of v) if (!this.value(item)) return false;
    } else if (typeof v === 'object') {
      const entries = Object.entries(v);
      this.mapHead(entries.length);
      for (const [k, item] of entries) {
        this.text(k);
        if (!this.value(item)) return false;
      }
    } else return false;
    return true;
  }

  private simple(byte: number): void {
    this.room(1);
    this.buf[this.length++] = byte;
  }
}

/** One value's encoding, as its own buffer (for literal parts compiled once). */
export function cborBytes(v: unknown): Buffer | null {
  const w = new CborWriter();
  return w.value(v) ? Buffer.from(w.view()) : null;
}

/** A text string's encoding: the key of a map entry. */
export function cborText(s: string): Buffer {
  const w = new CborWriter();
  w.text(s);
  return Buffer.from(w.view());
}
