// The calibration's files in one folder: backend.calibrated.yaml (loadable with
// `backend: { from: }`), calibration.json (every step and fit) and calibration.html (charts).
import { join, resolve } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { makeDirs, writeAtomic } from '../reports/atomic-write.js';
import { redactText } from '../secrets/redact.js';
import { calibrationHtml } from './calibration-html.js';
import { calibrationYaml, strippedUrl } from './calibration-yaml.js';
import type { CalibrationResult } from './types.js';

export const CALIBRATION_FILES = {
  yaml: 'backend.calibrated.yaml',
  json: 'calibration.json',
  html: 'calibration.html',
} as const;

/** `calibration-20261127-203104` (UTC), the folder when --out is not given. */
export function defaultOutDir(takenAt: string): string {
  const stamp = takenAt
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  return `calibration-${stamp}`;
}

/** calibration.json: the result without the per-request samples, URLs without credentials. */
export function calibrationJson(r: CalibrationResult, version: string): string {
  const doc = {
    kind: 'fleetstorm-calibration',
    version: 1,
    tool: { name: 'fleetstorm', version },
    takenAt: r.takenAt,
    targets: {
      mqtt: r.targets.mqtt.map(strippedUrl),
      ...(r.targets.http ? { http: strippedUrl(r.targets.http) } : {}),
    },
    stoppedBy: r.stoppedBy,
    fits: r.fits,
    backend: r.backend,
    probes: r.probes.map((p) => ({
      probe: p.probe,
      stoppedBy: p.stoppedBy,
      ...(p.skipped ? { skipped: p.skipped } : {}),
      ...(p.target === undefined ? {} : { target: p.target }),
      steps: p.steps.map((s) => s.record),
    })),
    notes: r.notes,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

export async function writeCalibration(dir: string, r: CalibrationResult, version: string): Promise<string> {
  const full = resolve(dir);
  try {
    await makeDirs(full);
    await writeAtomic(join(full, CALIBRATION_FILES.yaml), redactText(calibrationYaml(r, version)));
    await writeAtomic(join(full, CALIBRATION_FILES.json), redactText(calibrationJson(r, version)));
    await writeAtomic(join(full, CALIBRATION_FILES.html), redactText(calibrationHtml(r, version)));
  } catch (e) {
    if (e instanceof ToolError) throw e;
    throw new ToolError(
      'FLEETSTORM_ERR_OUTPUT_DIR',
      `cannot write the calibration (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        where: '--out',
        got: full,
        fix: 'choose a writable folder with --out',
      },
    );
  }
  return full;
}
