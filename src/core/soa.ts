// Struct-of-arrays carved out of one SharedArrayBuffer. The main thread allocates it; any
// worker can rebuild the same typed-array views from the buffer and the field list alone,
// so a shard can be advanced by whichever worker thread picks up its task.

export type FieldKind = 'f64' | 'i32' | 'u32' | 'f32' | 'u8';

const BYTES: Record<FieldKind, number> = { f64: 8, i32: 4, u32: 4, f32: 4, u8: 1 };

type ViewOf<K extends FieldKind> = K extends 'f64'
  ? Float64Array
  : K extends 'i32'
    ? Int32Array
    : K extends 'u32'
      ? Uint32Array
      : K extends 'f32'
        ? Float32Array
        : Uint8Array;

export type Layout = Record<string, { kind: FieldKind; length: number }>;
export type Views<L extends Layout> = { [K in keyof L]: ViewOf<L[K]['kind']> };

function view(kind: FieldKind, buf: SharedArrayBuffer, offset: number, length: number): ViewOf<FieldKind> {
  switch (kind) {
    case 'f64':
      return new Float64Array(buf, offset, length);
    case 'i32':
      return new Int32Array(buf, offset, length);
    case 'u32':
      return new Uint32Array(buf, offset, length);
    case 'f32':
      return new Float32Array(buf, offset, length);
    case 'u8':
      return new Uint8Array(buf, offset, length);
  }
}

/** Fields ordered by element size (widest first) keep every view aligned. */
function ordered(layout: Layout): [string, { kind: FieldKind; length: number }][] {
  return Object.entries(layout).sort((a, b) => BYTES[b[1].kind] - BYTES[a[1].kind] || (a[0] < b[0] ? -1 : 1));
}

export function layoutBytes(layout: Layout): number {
  let bytes = 0;
  for (const [, f] of ordered(layout)) bytes += f.length * BYTES[f.kind];
  return Math.ceil(bytes / 8) * 8;
}

export function allocate<L extends Layout>(layout: L): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(8, layoutBytes(layout)));
}

export function views<L extends Layout>(layout: L, buf: SharedArrayBuffer): Views<L> {
  const out: Record<string, ViewOf<FieldKind>> = {};
  let offset = 0;
  for (const [name, f] of ordered(layout)) {
    out[name] = view(f.kind, buf, offset, f.length);
    offset += f.length * BYTES[f.kind];
  }
  return out as Views<L>;
}
