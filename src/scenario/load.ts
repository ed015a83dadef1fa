// loadScenario(): file → ResolvedScenario, applying built-in defaults < scenario < profile <
// environment < CLI. The imperative shell around the pure resolver: it finds and reads the
// scenario, its device types and the profile.
import { dirname, join, resolve } from 'node:path';
import { applyPreset } from './presets/index.js';
import { fileURLToPath } from 'node:url';
import { withBackendFrom, type ExpandedBackend } from './backend-from.js';
import { readDocument } from './documents.js';
import { collectDeviceTypes, expandInlineDevices, type DeviceTypeSources } from './device-types.js';
import { errorMap, issueToToolError } from './issues.js';
import { applyLayers, type Layer } from './layers.js';
import { cliLayer, envLayer, type CliOverrides } from './overrides.js';
import { loadProfile, profileLayer } from './profiles.js';
import { checkPlanSize } from './plan-size.js';
import { resolveParsedScenario } from './resolve.js';
import { scenarioSchema, type ScenarioParsed } from './schema.js';
import type { ResolvedScenario } from './types.js';
import { refuseVacuous } from './vacuity.js';
import { checkBrokerFaults } from './check-broker-faults.js';
import { resolveProgramPaths } from '../program/paths.js';

/** The package root: src/scenario/ and dist/scenario/ are both two levels below it. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Device types shipped with fleetstorm. */
export const BUILTIN_DEVICES_DIR = join(PACKAGE_ROOT, 'scenarios', 'devices');
/** Profiles shipped with fleetstorm. */
export const BUILTIN_PROFILES_DIR = join(PACKAGE_ROOT, 'profiles');

export interface LoadOptions {
  /** Profile name (searched in `profilesDir`, `<scenario dir>/../profiles`, the built-in ones) or path. */
  profile?: string;
  /** FLEETSTORM_* variables; defaults to `process.env`. Pass `{}` to ignore the environment. */
  env?: Record<string, string | undefined>;
  overrides?: CliOverrides;
  /** Searched first for profiles. */
  profilesDir?: string;
  /** Searched first for device types named in the fleet. */
  devicesDir?: string;
}

export interface ResolveObjectOptions extends LoadOptions {
  /** Folder device type and profile look-ups are relative to (like a scenario file's folder). */
  baseDir?: string;
  /** Reported as `sourcePath`; null for a scenario built in memory. */
  sourcePath?: string | null;
  /** Device types given in memory by name (raw, as in a device type file). */
  deviceTypes?: Record<string, unknown>;
}

function searchDirs(first: string | undefined, local: string | undefined, builtin: string): string[] {
  return [...new Set([first, local, builtin].filter((d): d is string => d !== undefined))];
}

/** Parses a scenario document (inline device types already expanded) against the schema. */
export function parseScenario(doc: unknown, label: string): ScenarioParsed {
  const r = scenarioSchema.safeParse(doc, { reportInput: true, error: errorMap });
  if (r.success) return r.data;
  throw issueToToolError(r.error.issues, {
    file: label,
    code: 'FLEETSTORM_ERR_SCENARIO_INVALID',
    schema: scenarioSchema,
  });
}

async function layersFor(
  opts: ResolveObjectOptions,
  env: Record<string, string | undefined>,
): Promise<{ layers: Layer[]; profileBackend: ExpandedBackend | null }> {
  const layers: Layer[] = [];
  let profileBackend: ExpandedBackend | null = null;
  const profile = opts.profile ?? (env.FLEETSTORM_PROFILE?.trim() || undefined);
  if (profile !== undefined) {
    const local = opts.baseDir === undefined ? undefined : join(opts.baseDir, '..', 'profiles');
    const dirs = searchDirs(opts.profilesDir, local, BUILTIN_PROFILES_DIR);
    const from = opts.profile !== undefined ? '--profile' : 'FLEETSTORM_PROFILE';
    const loaded = await loadProfile(profile, dirs, from);
    profileBackend = loaded.backend;
    layers.push(profileLayer(loaded));
  }
  layers.push(envLayer(env));
  if (opts.overrides) layers.push(cliLayer(opts.overrides));
  return { layers, profileBackend };
}

/**
 * Resolves a scenario given as data (tests, the programmatic API). `sourceLabel` names it in
 * error messages, e.g. `my-test` or a file path.
 */
export async function resolveScenarioObject(
  obj: unknown,
  sourceLabel: string,
  opts: ResolveObjectOptions = {},
): Promise<ResolvedScenario> {
  const env = opts.env ?? process.env;
  const local = opts.baseDir === undefined ? undefined : join(opts.baseDir, 'devices');
  const sources: DeviceTypeSources = {
    dirs: searchDirs(opts.devicesDir, local, BUILTIN_DEVICES_DIR),
    inMemory: opts.deviceTypes,
  };
  const { layers, profileBackend } = await layersFor(opts, env);
  const backed = await withBackendFrom(obj, opts.baseDir, sourceLabel, profileBackend);
  const parsed = parseScenario(await expandInlineDevices(backed.doc, sourceLabel, sources), sourceLabel);
  const deviceTypes = await collectDeviceTypes(parsed, sourceLabel, sources);
  const base = resolveParsedScenario(parsed, deviceTypes, sourceLabel, opts.sourcePath ?? null);
  if (backed.calibration) base.scenario.backend.calibration = backed.calibration;
  resolveProgramPaths(base.scenario, opts.baseDir ?? process.cwd(), sourceLabel);
  const s = applyPreset(applyLayers(base, layers, sourceLabel)); // conventions, then quotas
  checkBrokerFaults(s, sourceLabel); // the mode and the targets are known once layered
  if (layers.reduce((on, l) => l.strict ?? on, false)) refuseVacuous(s, sourceLabel);
  checkPlanSize(s, sourceLabel); // before anything is allocated; validate says it too
  return s;
}

/** Reads a scenario file (YAML, or JSON by extension) and resolves it. */
export async function loadScenario(path: string, opts: LoadOptions = {}): Promise<ResolvedScenario> {
  const doc = await readDocument(path, 'FLEETSTORM_ERR_SCENARIO_NOT_FOUND');
  return resolveScenarioObject(doc, path, { ...opts, baseDir: dirname(path), sourcePath: path });
}
