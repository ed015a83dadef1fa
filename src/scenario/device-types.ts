// Device types: found by name in the devices folders (or given in memory, or inline in the
// scenario), `extends` chains merged at the data level before parsing so a child only states
// what differs, then resolved to engine units.
import { ToolError } from '../errors/tool-error.js';
import { deepMerge, findNamedFile, isRecord, listNames, readDocument } from './documents.js';
import { errorMap, issueToToolError, whereOf } from './issues.js';
import { resolveDeviceType } from './resolve-device.js';
import { unknownDeviceType } from './resolve-names.js';
import { deviceTypeSchema, type DeviceTypeParsed } from './schema-device.js';
import type { ScenarioParsed } from './schema.js';
import type { DeviceType } from './types.js';

export interface DeviceTypeSources {
  /** Folders searched in order for `<name>.yaml|.yml|.json`. */
  dirs: readonly string[];
  /** Device types given in memory (programmatic API, tests); searched before the folders. */
  inMemory?: Record<string, unknown>;
}

export interface RawDeviceType {
  /** The document with its `extends` chain merged in, without `name` and `extends`. */
  raw: Record<string, unknown>;
  /** File path (or in-memory label) used in error messages. */
  label: string;
}

function without(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}

/** Parses a device type document, reporting problems against `label`. */
export function parseDeviceType(raw: unknown, label: string): DeviceTypeParsed {
  const r = deviceTypeSchema.safeParse(raw, { reportInput: true, error: errorMap });
  if (r.success) return r.data;
  throw issueToToolError(r.error.issues, {
    file: label,
    code: 'FLEETSTORM_ERR_DEVICE_TYPE',
    schema: deviceTypeSchema,
  });
}

async function findDeviceDocument(name: string, sources: DeviceTypeSources, refWhere: string) {
  const mem = sources.inMemory?.[name];
  if (mem !== undefined) return { doc: mem, label: `device type ${name}` };
  const file = await findNamedFile(name, sources.dirs);
  if (file) return { doc: await readDocument(file, 'FLEETSTORM_ERR_DEVICE_TYPE', refWhere), label: file };
  const known = [...new Set([...Object.keys(sources.inMemory ?? {}), ...(await listNames(sources.dirs))])];
  const hint = sources.dirs[0] ? `; or create ${sources.dirs[0]}/${name}.yaml` : '';
  throw unknownDeviceType(name, known, refWhere, hint);
}

/** Loads device type `name` with its `extends` chain merged; each file is validated on its own. */
export async function loadRawDeviceType(
  name: string,
  sources: DeviceTypeSources,
  refWhere: string,
  chain: readonly string[] = [],
): Promise<RawDeviceType> {
  if (!DEVICE_NAME.test(name) || name.includes('..')) {
    throw new ToolError('FLEETSTORM_ERR_DEVICE_TYPE', 'not a device type name', {
      where: refWhere,
      got: name,
      fix: 'name a device type (a file in devices/ without its extension, e.g. `sensor`), not a path',
    });
  }
  if (chain.includes(name)) {
    throw new ToolError('FLEETSTORM_ERR_DEVICE_TYPE', 'device types extend each other in a cycle', {
      where: refWhere,
      got: [...chain, name].join(' → '),
      fix: 'remove one of the `extends`',
    });
  }
  const { doc, label } = await findDeviceDocument(name, sources, refWhere);
  const own = parseDeviceType(doc, label);
  if (own.name !== undefined && own.name !== name) {
    throw new ToolError('FLEETSTORM_ERR_DEVICE_TYPE', 'name does not match the file name', {
      where: whereOf(label, ['name']),
      got: own.name,
      fix: `use \`name: ${name}\` or remove the key`,
    });
  }
  const raw = without(doc as Record<string, unknown>, ['name', 'extends']);
  if (own.extends === undefined) return { raw, label };
  const parent = await loadRawDeviceType(own.extends, sources, whereOf(label, ['extends']), [...chain, name]);
  return { raw: deepMerge(parent.raw, raw), label };
}

const DEVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * An inline parent (`extends` naming a type defined inline in the same fleet): the expanded
 * one above, or an error saying itself or order rather than "unknown device type".
 */
function inlineParent(
  device: Record<string, unknown>,
  i: number,
  inlineAt: ReadonlyMap<string, number>,
  expanded: ReadonlyMap<string, Record<string, unknown>>,
  where: string,
): Record<string, unknown> | undefined {
  const name = device.extends as string;
  if (name === device.name) {
    throw new ToolError('FLEETSTORM_ERR_DEVICE_TYPE', `device type \`${name}\` extends itself`, {
      where,
      got: name,
      fix: 'extend another type (e.g. `sensor`), or remove `extends`',
    });
  }
  const at = inlineAt.get(name);
  if (at === undefined) return undefined;
  if (at > i) {
    throw new ToolError(
      'FLEETSTORM_ERR_DEVICE_TYPE',
      `\`${name}\` is defined inline further down the fleet`,
      {
        where,
        got: `fleet[${at}]`,
        fix: `define \`${name}\` in an earlier fleet entry than the type that extends it`,
      },
    );
  }
  return without(expanded.get(name) ?? {}, ['name']);
}

/** Merges the parent of every inline device type (`fleet[i].device.extends`) into it. */
export async function expandInlineDevices(
  doc: unknown,
  label: string,
  sources: DeviceTypeSources,
): Promise<unknown> {
  if (!isRecord(doc) || !Array.isArray(doc.fleet)) return doc;
  const inlineAt = new Map<string, number>();
  doc.fleet.forEach((e: unknown, i: number) => {
    const d = isRecord(e) ? e.device : undefined;
    if (isRecord(d) && typeof d.name === 'string' && !inlineAt.has(d.name)) inlineAt.set(d.name, i);
  });
  const expanded = new Map<string, Record<string, unknown>>();
  const fleet: unknown[] = [];
  for (const [i, entry] of doc.fleet.entries()) {
    const device = isRecord(entry) ? entry.device : undefined;
    if (!isRecord(entry) || !isRecord(device) || typeof device.extends !== 'string') {
      if (isRecord(device) && typeof device.name === 'string') expanded.set(device.name, device);
      fleet.push(entry);
      continue;
    }
    const where = whereOf(label, ['fleet', i, 'device', 'extends']);
    const base = inlineParent(device, i, inlineAt, expanded, where);
    const parent = base ?? (await loadRawDeviceType(device.extends, sources, where, [])).raw;
    const merged = deepMerge(parent, without(device, ['extends']));
    if (typeof device.name === 'string') expanded.set(device.name, merged);
    fleet.push({ ...entry, device: merged });
  }
  return { ...doc, fleet };
}

/** Every device type the fleet uses, resolved; inline definitions win over files of the same name. */
export async function collectDeviceTypes(
  p: ScenarioParsed,
  label: string,
  sources: DeviceTypeSources,
): Promise<Record<string, DeviceType>> {
  const out: Record<string, DeviceType> = {};
  const inlineNames = new Set<string>();
  for (const [i, g] of p.fleet.entries()) {
    if (typeof g.device === 'string') continue;
    const name = g.device.name;
    if (inlineNames.has(name)) {
      throw new ToolError('FLEETSTORM_ERR_DEVICE_TYPE', `device type \`${name}\` is defined twice`, {
        where: whereOf(label, ['fleet', i, 'device', 'name']),
        got: name,
        fix: 'define it once and refer to it by name (`device: <name>`) in the other groups',
      });
    }
    inlineNames.add(name);
    const prefix = `fleet[${i}].device`;
    out[name] = resolveDeviceType(name, g.device, (path) => whereOf(label, [`${prefix}.${path}`]));
  }
  for (const [i, g] of p.fleet.entries()) {
    if (typeof g.device !== 'string' || out[g.device]) continue;
    const loaded = await loadRawDeviceType(g.device, sources, whereOf(label, ['fleet', i, 'device']));
    const parsed = parseDeviceType(loaded.raw, loaded.label);
    out[g.device] = resolveDeviceType(g.device, parsed, (path) => whereOf(loaded.label, [path]));
  }
  return out;
}
