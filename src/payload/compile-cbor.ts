// CBOR payload templates (`payload: { cbor: {...} }`), compiled once like JSON ones: the fixed
// structure (map and array heads, keys, literal values) becomes pre-encoded byte chunks, each
// generator leaf a writer of its typed value; a publish copies chunks and writes the values into
// one scratch buffer.
import { CborWriter, cborBytes, cborText } from './cbor.js';
import {
  drawGenerator,
  generatorError,
  isGenerator,
  type Marker,
  type PayloadContext,
} from './generators.js';

type Write = (w: CborWriter, c: PayloadContext) => void;
type Part = Buffer | Write;

export interface CborBuild {
  parts: Part[];
  walks: number;
  markers: Marker[];
}

/** Compiles `v` into `b`; `top` is told each top-level key and how many markers existed before it. */
export function compileCbor(
  v: unknown,
  where: string,
  b: CborBuild,
  top?: (key: string, before: number) => void,
): void {
  if (isGenerator(v)) {
    b.parts.push(writer(v, where, b));
    return;
  }
  if (Array.isArray(v)) {
    b.parts.push(head((w) => w.arrayHead(v.length)));
    v.forEach((item, i) => compileCbor(item, `${where}[${i}]`, b));
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    b.parts.push(head((w) => w.mapHead(entries.length)));
    for (const [key, item] of entries) {
      b.parts.push(cborText(key));
      const before = b.markers.length;
      compileCbor(item, `${where}.${key}`, b);
      top?.(key, before);
    }
    return;
  }
  const bytes = cborBytes(v);
  if (bytes === null)
    throw generatorError(
      where,
      'not a CBOR value',
      String(v),
      'use a number, string, boolean, null, list, object or generator',
    );
  b.parts.push(bytes);
}

function head(write: (w: CborWriter) => void): Buffer {
  const w = new CborWriter();
  write(w);
  return Buffer.from(w.view());
}

function writer(g: Record<string, unknown>, where: string, b: CborBuild): Write {
  const d = drawGenerator(g, where, b);
  switch (d.kind) {
    case 'number': {
      const draw = d.draw;
      return (w, c) => w.number(draw(c));
    }
    case 'text': {
      const draw = d.draw;
      return (w, c) => w.text(draw(c));
    }
    case 'pick': {
      const items = d.items.map((item, i) => {
        const bytes = cborBytes(item);
        if (bytes === null)
          throw generatorError(`${where}.pick[${i}]`, 'not a CBOR value', String(item), 'use a plain value');
        return bytes;
      });
      const draw = d.draw;
      return (w, c) => w.raw(items[draw(c)] as Buffer);
    }
  }
}

/** The parts with adjacent byte chunks merged, as one encoder over a shared scratch writer. */
export function cborEncoder(parts: readonly Part[]): (c: PayloadContext) => Buffer {
  const merged: Part[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (Buffer.isBuffer(p) && Buffer.isBuffer(last)) merged[merged.length - 1] = Buffer.concat([last, p]);
    else merged.push(p);
  }
  const w = new CborWriter();
  return (c) => {
    w.reset();
    for (const p of merged) {
      if (Buffer.isBuffer(p)) w.raw(p);
      else p(w, c);
    }
    return w.view();
  };
}
