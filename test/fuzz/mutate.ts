// Structured mutations of plain data (a parsed scenario, profile, device type or report): pick
// a path, then delete it, replace it with a hostile value (of any type, or of its own type to get
// past type checks), or grow it. Mutations are data (fast-check shrinks them), applied to a
// deep copy.
import fc from 'fast-check';
import { SECRET } from './harness.js';

type Json = unknown;

const HOSTILE: readonly Json[] = [
  -1,
  0,
  1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  1e12,
  '',
  ' ',
  '1us',
  '0s',
  '-5m',
  '1000000000w',
  '1e12',
  'NaN',
  'Infinity',
  '100%',
  '200%',
  '-1%',
  '../../../../etc/passwd',
  '../../x',
  '/proc/self/status',
  'x'.repeat(5000),
  null,
  true,
  [],
  {},
  '\u0000',
  '<script>alert(1)</script>',
  'p99(mqtt_connect_duration_us) < 1s',
  'frob(x) < 1',
  '${env:FLEETSTORM_FUZZ_UNSET}',
  `mqtt://user:${SECRET}@127.0.0.1:1`,
  `http://user:${SECRET}@127.0.0.1:1`,
  'mqtt://0.0.0.0:1',
  'mqtt://127.0.0.1:99999',
  'live',
  'virtual',
];

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/**
 * Hostile values of a value's own type: they get past a schema's type checks and reach the code
 * behind it (resolvers, renderers) with extremes: zero, negative, huge, fractional, empty.
 */
const SAME_TYPE_NUMBERS: readonly number[] = [0, -1, -0.5, 0.5, 1e-9, 1e308, -1e308, 2 ** 53 + 1, 1e12, 7];
const SAME_TYPE_STRINGS: readonly string[] = [
  '',
  '0',
  '0s',
  '1us',
  '-1s',
  '1000000000w',
  '0B',
  '1e12B',
  '0/s',
  '1e12/s',
  '0%',
  '100%',
  '101%',
  '-1%',
  '0..0',
  '5m..1s',
  '1..1000000000',
  ':00',
  '25:00',
  '02:00-02:00',
  'x'.repeat(300),
];

function sameType(current: Json, at: number): Json {
  if (typeof current === 'number') return SAME_TYPE_NUMBERS[at % SAME_TYPE_NUMBERS.length];
  if (typeof current === 'string') return SAME_TYPE_STRINGS[at % SAME_TYPE_STRINGS.length];
  if (typeof current === 'boolean') return !current;
  if (Array.isArray(current)) return at % 2 === 0 ? [] : current.slice(0, 1);
  return current === null ? 0 : {};
}

export interface Mutation {
  /** Index into the document's paths (modulo their number). */
  at: number;
  op: 'delete' | 'replace' | 'grow' | 'add-key' | 'tweak';
  value: Json;
  key: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'replace', 'grow', 'add-key', 'tweak', 'tweak'),
  value: hostileValue,
  key: fc.constantFrom('x', '__proto__', 'constructor', '../../x', 'count', 'interval', 'extends'),
});

export const mutations: fc.Arbitrary<Mutation[]> = fc.array(mutation, { minLength: 1, maxLength: 3 });

type Path = (string | number)[];

function pathsOf(v: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
}

function parentOf(root: Json, path: Path): Record<string | number, Json> | null {
  let cur = root;
  for (const k of path.slice(0, -1)) cur = (cur as Record<string | number, Json>)[k];
  return typeof cur === 'object' && cur !== null ? (cur as Record<string | number, Json>) : null;
}

function applyOne(root: Json, m: Mutation): Json {
  // Half the mutations aim at shallow paths: big documents (a report's series) would otherwise
  // soak up every mutation in their number arrays.
  const all = pathsOf(root);
  const shallow = all.filter((p) => p.length <= 3);
  const paths = m.at % 2 === 0 && shallow.length > 0 ? shallow : all;
  const path = paths[Math.floor(m.at / 2) % paths.length] as Path;
  if (path.length === 0) return m.op === 'replace' ? m.value : root;
  const parent = parentOf(root, path);
  const key = path[path.length - 1] as string | number;
  if (parent === null) return root;
  const current = parent[key];
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'replace':
      parent[key] = m.value;
      break;
    case 'grow':
      parent[key] = Array.isArray(current) ? [...current, ...current, m.value] : [current, m.value];
      break;
    case 'tweak':
      parent[key] = sameType(current, Math.floor(m.at / 7));
      break;
    case 'add-key':
      if (typeof current === 'object' && current !== null && !Array.isArray(current))
        Object.defineProperty(current, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else parent[key] = { [m.key]: m.value };
      break;
  }
  return root;
}

/** A mutated deep copy of `doc`. */
export function mutate(doc: Json, ms: readonly Mutation[]): Json {
  let root = structuredClone(doc);
  for (const m of ms) root = applyOne(root, m);
  return root;
}
