// Run profiles (`--profile NAME`): a file in profiles/ overlaying any scenario for an occasion
// (smoke, ci, nightly, capacity). Loaded here, turned into one precedence Layer.
import { basename, dirname, extname } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { expandBackendFrom, type ExpandedBackend } from './backend-from.js';
import { DOCUMENT_EXTENSIONS, findNamedFile, isRecord, listNames, readDocument } from './documents.js';
import { errorMap, issueToToolError, whereOf } from './issues.js';
import type { Layer } from './layers.js';
import { resolveIdentityOverlay } from './resolve-identity.js';
import { resolveTarget } from './resolve-target.js';
import { resolveThresholds } from './resolve-thresholds.js';
import { profileSchema, type ProfileParsed } from './schema-profile.js';
import { closest } from './suggest.js';
import { parseDurationUs, parseRatio } from './units.js';

export interface LoadedProfile {
  name: string;
  /** File path, used in error messages. */
  file: string;
  parsed: ProfileParsed;
  /** The profile's `backend:` as written, `from:` expanded: merged over the scenario's. */
  backend: ExpandedBackend | null;
}

/** Parses a profile document, reporting problems against `label`. */
export function parseProfile(doc: unknown, label: string): ProfileParsed {
  const r = profileSchema.safeParse(doc, { reportInput: true, error: errorMap });
  if (r.success) return r.data;
  throw issueToToolError(r.error.issues, {
    file: label,
    code: 'FLEETSTORM_ERR_PROFILE',
    schema: profileSchema,
  });
}

const looksLikePath = (s: string): boolean =>
  s.includes('/') || s.includes('\\') || DOCUMENT_EXTENSIONS.some((ext) => s.endsWith(ext));

async function findProfileFile(nameOrPath: string, dirs: readonly string[], from: string): Promise<string> {
  if (looksLikePath(nameOrPath)) return nameOrPath;
  const file = await findNamedFile(nameOrPath, dirs);
  if (file) return file;
  const known = await listNames(dirs);
  const guess = closest(nameOrPath, known);
  throw new ToolError('FLEETSTORM_ERR_PROFILE', `unknown profile \`${nameOrPath}\``, {
    where: from,
    got: nameOrPath,
    fix: `${guess ? `did you mean \`${guess}\`? ` : ''}known: ${known.join(', ') || 'none'} (in ${dirs.join(', ')})`,
  });
}

/**
 * Finds a profile by name in `dirs` (or by path) and parses it; `from` names where the name
 * came from in errors (`--profile` or `FLEETSTORM_PROFILE`).
 */
export async function loadProfile(
  nameOrPath: string,
  dirs: readonly string[],
  from = '--profile',
): Promise<LoadedProfile> {
  const file = await findProfileFile(nameOrPath, dirs, from);
  const doc = await readDocument(file, 'FLEETSTORM_ERR_PROFILE', from);
  const parsed = parseProfile(doc, file);
  const name = basename(file, extname(file));
  if (parsed.name !== undefined && parsed.name !== name) {
    throw new ToolError('FLEETSTORM_ERR_PROFILE', 'name does not match the file name', {
      where: whereOf(file, ['name']),
      got: parsed.name,
      fix: `use \`name: ${name}\` or remove the key`,
    });
  }
  const backend = await expandBackendFrom(isRecord(doc) ? doc.backend : undefined, dirname(file), file);
  return { name, file, parsed, backend };
}

function fleetChange(p: ProfileParsed, file: string): Layer['fleetSize'] {
  if (p.devices !== undefined && p.scale !== undefined) {
    throw new ToolError('FLEETSTORM_ERR_PROFILE', 'give `devices` or `scale`, not both', {
      where: whereOf(file, ['scale']),
      got: p.scale,
      fix: 'remove one of them',
    });
  }
  if (p.devices !== undefined) return { kind: 'total', devices: p.devices };
  if (p.scale === undefined) return undefined;
  const ratio = parseRatio(p.scale, whereOf(file, ['scale']), { max: Number.MAX_VALUE });
  if (ratio <= 0) {
    throw new ToolError('FLEETSTORM_ERR_PROFILE', 'scale must be positive', {
      where: whereOf(file, ['scale']),
      got: p.scale,
      fix: 'use e.g. `10%` or `2`',
    });
  }
  return { kind: 'scale', ratio };
}

const optionalUs = (v: string | undefined, where: string): number | undefined =>
  v === undefined ? undefined : parseDurationUs(v, where);

/** The profile as a precedence layer (above the scenario, below the environment). */
export function profileLayer({ name, file, parsed: p }: LoadedProfile): Layer {
  const at = (path: string): string => whereOf(file, [path]);
  return {
    source: file,
    code: 'FLEETSTORM_ERR_PROFILE',
    where: { duration: at(p.duration === undefined ? 'max-duration' : 'duration'), interval: at('interval') },
    profile: name,
    descriptionNote: p.description,
    seed: p.seed,
    mode: p.mode,
    durationUs: optionalUs(p.duration, at('duration')),
    maxDurationUs: optionalUs(p['max-duration'], at('max-duration')),
    intervalUs: optionalUs(p.interval, at('interval')),
    workers: p.workers,
    speed: p.speed === 'max' ? Number.POSITIVE_INFINITY : p.speed,
    fleetSize: fleetChange(p, file),
    maxDevices: p['max-devices'],
    scaleBackend: p['scale-backend'],
    dropScenarioThresholds: p['scenario-thresholds'] === 'drop',
    strict: p.strict,
    thresholds: p.thresholds ? resolveThresholds(p.thresholds, at) : undefined,
    identity: resolveIdentityOverlay(p.connectivity, at),
    ...profileTarget(p, at),
  };
}

/** A profile's `target:` as layer fields (unset parts leave the scenario's alone). */
function profileTarget(p: ProfileParsed, at: (path: string) => string): Partial<Layer> {
  if (p.target === undefined) return {};
  const t = resolveTarget(p.target, at);
  return {
    ...(t.mqttUrls.length > 0 ? { targetMqtt: t.mqttUrls } : {}),
    ...(t.httpUrl !== null ? { targetHttp: t.httpUrl } : {}),
    targetResolve: t.resolve,
    targetLimits: t.limits,
    ...(t.tls ? { targetTls: t.tls } : {}),
  };
}
