// `backend: { from: ./backend.calibrated.yaml }`: the calibrated figures, with the fields written
// beside `from:` over them. Merged as written (before defaults), so a section the calibration
// left out keeps the scenario's own values. A profile's backend goes over the scenario's the
// same way. The imperative shell: reads the calibration file.
import { join, isAbsolute } from 'node:path';
import { loadCalibration } from '../backend-model/calibration-file.js';
import { deepMerge, isRecord } from './documents.js';
import { whereOf } from './issues.js';
import type { CalibrationRef } from './types.js';

export interface ExpandedBackend {
  /** The backend section as written, `from:` replaced by the calibrated figures. */
  input: Record<string, unknown>;
  calibration: CalibrationRef | null;
}

/**
 * Expands `from:` in a backend section as written. `baseDir` is the folder of the file naming it
 * (undefined: the working directory); `label` names that file in errors. A `from:` that is not a
 * string is left for the schema to refuse.
 */
export async function expandBackendFrom(
  backend: unknown,
  baseDir: string | undefined,
  label: string,
): Promise<ExpandedBackend | null> {
  if (!isRecord(backend)) return null;
  const { from, ...rest } = backend;
  if (typeof from !== 'string' || from === '') return { input: backend, calibration: null };
  const path = isAbsolute(from) || baseDir === undefined ? from : join(baseDir, from);
  const c = await loadCalibration(path, whereOf(label, ['backend', 'from']));
  return { input: deepMerge(c.backendInput, rest), calibration: c.ref };
}

/**
 * The scenario document with its backend expanded and a profile's backend (already expanded)
 * over it. Returns the calibration in force: the profile's, else the scenario's.
 */
export async function withBackendFrom(
  doc: unknown,
  baseDir: string | undefined,
  label: string,
  profile: ExpandedBackend | null,
): Promise<{ doc: unknown; calibration: CalibrationRef | null }> {
  if (!isRecord(doc)) return { doc, calibration: null };
  const own = await expandBackendFrom(doc.backend, baseDir, label);
  if (own === null && profile === null) return { doc, calibration: null };
  const input = own && profile ? deepMerge(own.input, profile.input) : (profile ?? own)?.input;
  const calibration = profile?.calibration ?? own?.calibration ?? null;
  return { doc: { ...doc, backend: input }, calibration };
}
