// Device-fact templates (`{type}-{index:06}`, `certs/{id}.pem`): compiled once at load time into
// a list of parts, then filled per device with no parsing. A mistake (unknown placeholder, a
// stray brace, a width on a text fact) is a ToolError naming the field, raised before any run.
import { ToolError } from '../errors/tool-error.js';

/** What a template may name about one device in one run. */
export interface DeviceFacts {
  /** The device's global index in the fleet (the id in outcomes). */
  index: number;
  /** Its device type's name. */
  type: string;
  /** `{type}-{index}`: stable across runs of the same scenario. */
  id: string;
  /** The shard (worker slice) the device lives in. */
  shard: number;
  /** The run's tag (differs per run). */
  run: string;
  /** The device's connect attempt number in this run (1 for the first). */
  seq: number;
}

export type DeviceTemplate = (f: DeviceFacts) => string;

const NUMERIC_FACTS = ['index', 'shard', 'seq'] as const;
const TEXT_FACTS = ['type', 'id', 'run'] as const;
type Fact = (typeof NUMERIC_FACTS)[number] | (typeof TEXT_FACTS)[number];
export const TEMPLATE_PLACEHOLDERS: readonly string[] = [
  '{index}',
  '{index:06}',
  '{type}',
  '{id}',
  '{shard}',
  '{run}',
  '{seq}',
];

type Part = string | { fact: Fact; width: number };

const isNumeric = (n: string): n is (typeof NUMERIC_FACTS)[number] =>
  (NUMERIC_FACTS as readonly string[]).includes(n);
const isText = (n: string): n is (typeof TEXT_FACTS)[number] => (TEXT_FACTS as readonly string[]).includes(n);

export interface TemplateOptions {
  /** Fixed placeholders known at load time (e.g. `{hub}` of a SAS token), substituted now. */
  constants?: Readonly<Record<string, string>>;
  /** The source may hold a secret: errors do not quote it. */
  secret?: boolean;
}

/** Compiles a template; `where` is the field path used in errors. */
export function compileTemplate(source: string, where: string, opts: TemplateOptions = {}): DeviceTemplate {
  const parts = parseParts(source, where, opts);
  if (parts.length === 0) return () => '';
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const only = parts[0];
    return () => only;
  }
  return (f) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : render(p, f);
    return out;
  };
}

/** True when a template names no per-device fact (the same string for every device). */
export function isConstantTemplate(source: string, where: string): boolean {
  return parseParts(source, where).every((p) => typeof p === 'string');
}

/** The device facts a template names (`['type', 'index']` for `{type}-{index:06}`). */
export function factsOf(source: string, where: string): string[] {
  return parseParts(source, where).flatMap((p) => (typeof p === 'string' ? [] : [p.fact]));
}

function render(p: { fact: Fact; width: number }, f: DeviceFacts): string {
  const v = f[p.fact];
  return typeof v === 'number' && p.width > 0 ? String(v).padStart(p.width, '0') : String(v);
}

function parseParts(source: string, where: string, opts: TemplateOptions = {}): Part[] {
  const constants = opts.constants ?? {};
  const shown = opts.secret ? undefined : source;
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if ((c === '{' || c === '}') && source[i + 1] === c) {
      lit += c;
      i += 2;
      continue;
    }
    if (c === '}') throw templateError(where, shown, `a lone '}' at position ${i + 1}`);
    if (c !== '{') {
      lit += c;
      i++;
      continue;
    }
    const end = source.indexOf('}', i + 1);
    if (end < 0) throw templateError(where, shown, `a '{' at position ${i + 1} is never closed`);
    const body = source.slice(i + 1, end);
    const constant = constants[body];
    if (constant !== undefined) lit += constant;
    else {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(placeholder(body, where, shown, Object.keys(constants)));
    }
    i = end + 1;
  }
  if (lit) parts.push(lit);
  return parts;
}

function placeholder(
  body: string,
  where: string,
  source: string | undefined,
  extra: readonly string[],
): Part {
  const m = /^([a-z]+)(?::0(\d{1,2}))?$/.exec(body);
  const name = m?.[1] ?? '';
  if (m && isNumeric(name)) return { fact: name, width: m[2] === undefined ? 0 : Number(m[2]) };
  if (m && isText(name) && m[2] === undefined) return { fact: name, width: 0 };
  const why =
    m && isText(name)
      ? `{${name}} is text and takes no width`
      : source === undefined
        ? 'an unknown placeholder'
        : `unknown placeholder {${body.slice(0, 40)}}`;
  return fail(templateError(where, source, why, extra));
}

function fail(e: ToolError): never {
  throw e;
}

function templateError(
  where: string,
  source: string | undefined,
  why: string,
  extra: readonly string[] = [],
): ToolError {
  const known = [...TEMPLATE_PLACEHOLDERS, ...extra.map((k) => `{${k}}`)].join(' ');
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', `invalid template: ${why}`, {
    where,
    ...(source === undefined ? {} : { got: source.length > 80 ? `${source.slice(0, 77)}...` : source }),
    fix: `use the placeholders ${known} (a width such as {index:06} pads numbers with zeros); write {{ and }} for literal braces`,
  });
}
