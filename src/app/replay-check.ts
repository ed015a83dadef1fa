// `replay` runs the resolved scenario a report.json carries, and a report is untrusted input:
// a hand-edited scenario must fail with one line, not deep in the engine. The resolved scenario
// has hundreds of fields, so its shape is learnt by example: two scenarios resolved here (one
// with every optional part, one minimal) give, per field, the JSON types it may have and which
// keys every object has. A report's scenario may then not miss a key, nor hold a type the
// examples never had (null is not judged: it is how JSON writes Infinity, and many fields are
// nullable in ways the examples cannot all show).
import { compileType } from '../device/params.js';
import { ToolError } from '../errors/tool-error.js';
import { resolveScenarioObject } from '../scenario/index.js';
import type { DeviceType } from '../scenario/types.js';

type Kind = 'null' | 'number' | 'string' | 'boolean' | 'array' | 'object';

interface Shape {
  kinds: Map<string, Set<Kind>>;
  /** Fields whose examples were never negative (durations, counts, rates). */
  nonNegative: Map<string, boolean>;
  /** Keys present in every example object at a field. */
  required: Map<string, Set<string>>;
}

/** Periods and waits the engine repeats: 0 would reschedule a device at the same instant. */
const PERIODS = /^(intervalUs|keepaliveUs|connectTimeoutUs|checkIntervalUs|baseUs|maxUs|durationUs)$/;

/** Fields whose keys are names (device types, host names, claims): values share one shape. */
const RECORDS = new Set(['deviceTypes', 'resolve', 'claims']);

function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : (typeof v as Kind);
}

function childPath(path: string, key: string, parentIsRecord: boolean): string {
  return parentIsRecord ? `${path}.{}` : path === '' ? key : `${path}.${key}`;
}

function learn(shape: Shape, v: unknown, path: string): void {
  const kind = kindOf(v);
  const kinds = shape.kinds.get(path) ?? new Set<Kind>();
  kinds.add(kind);
  shape.kinds.set(path, kinds);
  if (kind === 'number')
    shape.nonNegative.set(path, (shape.nonNegative.get(path) ?? true) && (v as number) >= 0);
  if (kind === 'array') for (const x of v as unknown[]) learn(shape, x, `${path}[]`);
  if (kind !== 'object') return;
  const obj = v as Record<string, unknown>;
  const record = RECORDS.has(path.split('.').pop() ?? '');
  if (!record) {
    const keys = new Set(Object.keys(obj));
    const req = shape.required.get(path);
    shape.required.set(path, req ? new Set([...req].filter((k) => keys.has(k))) : keys);
  }
  for (const [k, x] of Object.entries(obj)) learn(shape, x, childPath(path, k, record));
}

/** Every optional part set once: rollout, faults of each kind, thresholds, targets, sharding. */
const RICH = {
  name: 'shape',
  description: 'every optional part',
  mode: 'live',
  duration: '1h',
  fleet: [
    { device: 'sensor', count: 10, firmware: '1.0.0' },
    { device: 'gateway', count: 10 },
    {
      device: {
        name: 'inline-meter',
        extends: 'tracker',
        connectivity: { username: 'u-{index}', password: 'p-{index}' },
      },
      count: 5,
    },
  ],
  rollout: {
    firmware: { version: '9.9.9', size: '1MiB' },
    waves: ['10%', 5, '100%'],
    selector: { device: ['sensor', 'gateway'], from: ['1.0.0', '1.4.2'] },
  },
  faults: [
    { type: 'radio-drop', at: '10m', duration: '1m', who: { share: '10%' } },
    { type: 'power-loss', every: '20m', who: { count: 2, device: ['sensor'] } },
    { type: 'radio-drop', during: 'ota.downloading', who: { share: '5%', firmware: ['1.0.0'] } },
    { type: 'backend-outage', at: '30m', duration: '5m' },
    { type: 'radio-drop', when: 'connect_failure_ratio > 50%', duration: '1m', who: { share: '1%' } },
    { type: 'radio-drop', at: '40m', duration: '1m', who: { share: '1%', state: 'connected' } },
  ],
  thresholds: ['devices_total > 0', { expr: 'ota_bricked_total == 0', abort: true }],
};

/** Defaults of the optional parts (a rollout to everyone, a fault on any device). */
const DEFAULTS = {
  name: 'shape-defaults',
  fleet: [{ device: 'gateway', count: 1 }],
  rollout: { firmware: { version: '2.0.0', size: '1MiB' }, waves: ['100%'] },
  faults: [{ type: 'radio-drop', at: '1m', duration: '1m' }],
};

const SPARSE = { name: 'shape-min', fleet: [{ device: 'sensor', count: 1 }] };

let learnt: Promise<Shape> | null = null;

function shape(): Promise<Shape> {
  // The examples are fixed: one that does not resolve is a bug, not the user's report.
  learnt ??= (async () => {
    const s: Shape = { kinds: new Map(), required: new Map(), nonNegative: new Map() };
    const opts = { env: {} };
    const rich = await resolveScenarioObject(RICH, 'shape', {
      ...opts,
      sourcePath: 'shape.yaml',
      profile: 'smoke',
      overrides: {
        devices: 50,
        shard: { index: 0, count: 2 },
        targetMqtt: ['mqtt://127.0.0.1:1883'],
        targetHttp: 'http://127.0.0.1:8080',
      },
    });
    learn(s, JSON.parse(JSON.stringify(rich)) as unknown, '');
    for (const doc of [DEFAULTS, SPARSE]) {
      const resolved = await resolveScenarioObject(doc, doc.name, opts);
      learn(s, JSON.parse(JSON.stringify(resolved)) as unknown, '');
    }
    return s;
  })().catch((e: unknown) => {
    throw new Error(`replay-check examples do not resolve: ${e instanceof Error ? e.message : String(e)}`);
  });
  return learnt;
}

function refuse(where: string, field: string, what: string, got: unknown): never {
  throw new ToolError(
    'FLEETSTORM_ERR_REPORT_INPUT',
    `the report's scenario cannot be replayed: ${field} ${what}`,
    {
      where,
      got,
      fix: 'replay the report.json as `fleetstorm run` wrote it, or run the scenario file again',
    },
  );
}

function check(s: Shape, v: unknown, path: string, shown: string, where: string): void {
  const kinds = s.kinds.get(path);
  if (kinds === undefined) return; // a field the examples do not have: not judged
  const kind = kindOf(v);
  const judged = [...kinds].some((k) => k !== 'null');
  // null is not judged: many fields are nullable in ways two examples cannot show.
  if (judged && !kinds.has(kind) && kind !== 'null') {
    const want = [...kinds].join(' or ');
    refuse(where, shown, `must be ${want}`, kind === 'object' || kind === 'array' ? `a ${kind}` : v);
  }
  if (kind === 'number' && (v as number) < 0 && s.nonNegative.get(path) === true)
    refuse(where, shown, 'must be >= 0', v);
  if (kind === 'number' && (v as number) <= 0 && PERIODS.test(path.split('.').pop() ?? ''))
    refuse(where, shown, 'must be above 0 (a period of 0 repeats forever)', v);
  if (kind === 'array') (v as unknown[]).forEach((x, i) => check(s, x, `${path}[]`, `${shown}[${i}]`, where));
  if (kind !== 'object') return;
  const obj = v as Record<string, unknown>;
  const record = RECORDS.has(path.split('.').pop() ?? '');
  for (const key of record ? [] : (s.required.get(path) ?? [])) {
    if (!(key in obj)) refuse(where, shown ? `${shown}.${key}` : key, 'is missing', undefined);
  }
  for (const [k, x] of Object.entries(obj)) {
    check(s, x, childPath(path, k, record), shown ? `${shown}.${k}` : k, where);
  }
}

/** Refuses a report's resolved scenario that misses fields or holds wrong types (see top). */
export async function checkReplayableShape(scenario: unknown, where: string): Promise<void> {
  check(await shape(), scenario, '', 'scenario', where);
}

/**
 * Each device type compiles as the workers will compile it (templates, streams, commands): a
 * part the shape examples do not cover fails here with one line, not in a worker mid-run.
 */
export function checkTypesCompile(types: Record<string, DeviceType>, where: string): void {
  for (const [name, t] of Object.entries(types)) {
    try {
      compileType(t);
    } catch (e) {
      refuse(where, `deviceTypes.${name}`, 'does not compile', e instanceof Error ? e.message : String(e));
    }
  }
}
