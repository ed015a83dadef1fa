// `fleetstorm validate <files...>`: scenario, device type and profile files, recognised by the
// folder they are in (devices/, profiles/) or else by their shape. Never prints; the CLI does.
import { basename, dirname, extname } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { isRecord, readDocument } from './documents.js';
import { loadRawDeviceType, parseDeviceType } from './device-types.js';
import { whereOf } from './issues.js';
import { BUILTIN_DEVICES_DIR, loadScenario, type LoadOptions } from './load.js';
import { loadProfile, profileLayer } from './profiles.js';
import { resolveDeviceType } from './resolve-device.js';
import { planWarnings } from './vacuity.js';

export type FileKind = 'scenario' | 'device-type' | 'profile' | 'json-schema';

export interface ValidationResult {
  path: string;
  kind: FileKind;
  ok: boolean;
  error?: ToolError;
  /** A valid scenario's plan warnings: what falls outside its run or selects no device. */
  warnings?: string[];
}

const DEVICE_KEYS = ['radio', 'battery', 'connectivity', 'telemetry', 'ota', 'extends'];
const PROFILE_KEYS = ['devices', 'scale', 'max-devices', 'max-duration', 'scenario-thresholds'];

/** Decides what a file is: by folder first, then by its keys. */
export async function detectKind(path: string): Promise<FileKind> {
  const folder = basename(dirname(path));
  if (folder === 'devices') return 'device-type';
  if (folder === 'profiles') return 'profile';
  const doc = await readDocument(path, 'FLEETSTORM_ERR_SCENARIO_NOT_FOUND');
  if (!isRecord(doc) || 'fleet' in doc) return 'scenario';
  if (typeof doc.$schema === 'string' && doc.$schema.includes('json-schema.org')) return 'json-schema';
  if (DEVICE_KEYS.some((k) => k in doc)) return 'device-type';
  if (PROFILE_KEYS.some((k) => k in doc)) return 'profile';
  return 'scenario';
}

async function validateDeviceType(path: string): Promise<void> {
  const name = basename(path, extname(path));
  const loaded = await loadRawDeviceType(name, { dirs: [dirname(path), BUILTIN_DEVICES_DIR] }, path);
  const parsed = parseDeviceType(loaded.raw, path);
  resolveDeviceType(name, parsed, (field) => whereOf(path, [field]));
}

/** Validates one file; a scenario gives back its plan warnings. */
async function validateOne(path: string, kind: FileKind, opts: LoadOptions): Promise<string[]> {
  switch (kind) {
    case 'scenario':
      return planWarnings(await loadScenario(path, { ...opts, env: opts.env ?? {} })).map(
        (w) => `${path}: ${w.field}: ${w.text}`,
      );
    case 'device-type':
      await validateDeviceType(path);
      return [];
    case 'profile':
      profileLayer(await loadProfile(path, []));
      return [];
    case 'json-schema':
      return [];
  }
}

/** Validates each file; a problem with one file does not stop the others. */
export async function validateFiles(
  paths: readonly string[],
  opts: LoadOptions = {},
): Promise<ValidationResult[]> {
  const results: ValidationResult[] = [];
  for (const path of paths) {
    let kind: FileKind = 'scenario';
    try {
      kind = await detectKind(path);
      const warnings = await validateOne(path, kind, opts);
      results.push({ path, kind, ok: true, ...(warnings.length > 0 ? { warnings } : {}) });
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      results.push({ path, kind, ok: false, error: e });
    }
  }
  return results;
}
