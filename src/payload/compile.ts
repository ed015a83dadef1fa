// Payload templates compiled once at load time into a flat program: literal chunks and value
// closures, concatenated per publish (CBOR: compile-cbor.ts). No YAML is looked at after this.
//   json: { temp: { normal: { mean: 21, stddev: 2 } }, id: { device: id }, ts: { fleetstorm: sent-at } }
//   text: "t={temp};id={id}"  with  fields: { temp: { uniform: { min: 0, max: 40 } } }
import { cborEncoder, compileCbor, type CborBuild } from './compile-cbor.js';
import {
  compileGenerator,
  DEVICE_FACTS,
  generatorError,
  isGenerator,
  MARKERS,
  type Emit,
  type Marker,
  type PayloadContext,
} from './generators.js';

export type PayloadTemplate =
  | { json: unknown }
  | { cbor: unknown }
  | { text: string; fields?: Readonly<Record<string, unknown>> | undefined };

export interface PayloadProgram {
  /** The payload as text (JSON, text); a CBOR payload as hex, for reading only. */
  render(c: PayloadContext): string;
  /** The payload bytes; a CBOR payload is a view of a scratch buffer, valid until the next encode. */
  encode(c: PayloadContext): Buffer;
  /** Random walks per device (the size of a device's row in the walk table). */
  walks: number;
  /** Top-level JSON keys carrying the end-to-end markers (absent: the payload has none). */
  markerKeys: Partial<Record<Marker, string>>;
  /** Text templates: the literal text right before each marker placeholder ('' at the start). */
  textMarkers: Partial<Record<Marker, string>>;
  kind: 'json' | 'text' | 'cbor';
}

type Part = string | Emit;

interface Build {
  parts: Part[];
  walks: number;
  markers: Marker[];
}

export function compilePayload(t: PayloadTemplate, where: string): PayloadProgram {
  const markerKeys: Partial<Record<Marker, string>> = {};
  if ('cbor' in t) {
    const c: CborBuild = { parts: [], walks: 0, markers: [] };
    compileCbor(t.cbor, `${where}.cbor`, c, (key, before) => {
      for (const m of c.markers.slice(before)) markerKeys[m] = key;
    });
    const encode = cborEncoder(c.parts);
    const render = (ctx: PayloadContext): string => encode(ctx).toString('hex');
    return { walks: c.walks, markerKeys, textMarkers: {}, kind: 'cbor', encode, render };
  }
  const b: Build = { parts: [], walks: 0, markers: [] };
  const textMarkers: Partial<Record<Marker, string>> = {};
  if ('json' in t) {
    compileJson(t.json, `${where}.json`, b, (key, before) => {
      for (const m of b.markers.slice(before)) markerKeys[m] = key;
    });
  } else compileText(t.text, t.fields ?? {}, `${where}.text`, b, textMarkers);
  return program(b, markerKeys, textMarkers, 'json' in t ? 'json' : 'text');
}

function program(
  b: Build,
  markerKeys: PayloadProgram['markerKeys'],
  textMarkers: PayloadProgram['textMarkers'],
  kind: PayloadProgram['kind'],
): PayloadProgram {
  // Adjacent literals merge, so a render is one concatenation per value.
  const parts: Part[] = [];
  for (const p of b.parts) {
    const last = parts[parts.length - 1];
    if (typeof p === 'string' && typeof last === 'string') parts[parts.length - 1] = last + p;
    else parts.push(p);
  }
  const render = (c: PayloadContext): string => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(c);
    return out;
  };
  return { walks: b.walks, markerKeys, textMarkers, kind, render, encode: (c) => Buffer.from(render(c)) };
}

/** `top` is told each top-level key and how many markers existed before its value. */
function compileJson(v: unknown, where: string, b: Build, top?: (key: string, before: number) => void): void {
  if (isGenerator(v)) {
    b.parts.push(compileGenerator(v, where, true, b));
    return;
  }
  if (Array.isArray(v)) {
    b.parts.push('[');
    v.forEach((item, i) => {
      if (i > 0) b.parts.push(',');
      compileJson(item, `${where}[${i}]`, b);
    });
    b.parts.push(']');
    return;
  }
  if (typeof v === 'object' && v !== null) {
    b.parts.push('{');
    Object.entries(v).forEach(([key, item], i) => {
      b.parts.push(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      const before = b.markers.length;
      compileJson(item, `${where}.${key}`, b);
      top?.(key, before);
    });
    b.parts.push('}');
    return;
  }
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')
    throw generatorError(
      where,
      'not a JSON value',
      String(v),
      'use a number, string, boolean, null, list, object or generator',
    );
  b.parts.push(JSON.stringify(v));
}

const TEXT_FACTS: Record<string, unknown> = {
  ...Object.fromEntries(DEVICE_FACTS.map((f) => [f, { device: f }])),
  ...Object.fromEntries(MARKERS.map((m) => [m, { fleetstorm: m }])),
};

function compileText(
  source: string,
  fields: Readonly<Record<string, unknown>>,
  where: string,
  b: Build,
  textMarkers: Partial<Record<Marker, string>>,
): void {
  for (const [name, g] of Object.entries(fields))
    if (!isGenerator(g))
      throw generatorError(
        `${where.replace(/\.text$/, '.fields')}.${name}`,
        'a field must be one generator',
        g,
        'e.g. temp: { uniform: { min: 0, max: 40 } }',
      );
  const re = /\{([a-z][a-z0-9-]*)\}/gi;
  let last = 0;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    b.parts.push(source.slice(last, m.index));
    const name = m[1] as string;
    const g = fields[name] ?? TEXT_FACTS[name];
    if (g === undefined)
      throw generatorError(
        where,
        `unknown placeholder {${name}}`,
        source,
        `name a field or one of ${Object.keys(TEXT_FACTS)
          .map((k) => `{${k}}`)
          .join(' ')}`,
      );
    const before = b.markers.length;
    b.parts.push(compileGenerator(g as Record<string, unknown>, `${where}{${name}}`, false, b));
    // The subscriber finds a marker by the text before it: right after another placeholder it cannot.
    const literal = source.slice(last, m.index);
    if (literal !== '' || m.index === 0) for (const k of b.markers.slice(before)) textMarkers[k] ??= literal;
    last = m.index + m[0].length;
  }
  b.parts.push(source.slice(last));
}
