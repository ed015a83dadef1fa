// backend.calibrated.yaml: what `fleetstorm calibrate` measured against a live target, and the
// modelled backend fitted to it. Written by the calibrate command, read back when a scenario or
// profile says `backend: { from: … }`. The `backend:` part is exactly a scenario's backend
// section, so a calibrated file is also a valid starting point to edit by hand.
import * as z from 'zod';
import { ToolError } from '../errors/tool-error.js';
import { readDocument } from '../scenario/documents.js';
import { errorMap, issueToToolError } from '../scenario/issues.js';
import { backendSchema } from '../scenario/schema-backend.js';
import type { CalibrationRef } from '../scenario/types.js';

export const STOPPED_BY = ['knee', 'generator', 'cap', 'limits'] as const;

/**
 * Why a calibration stopped, as the plan and the run summary say it: a calibration its own load
 * generator stopped fitted lower bounds, so a model from it is slower than the target.
 */
export function stoppedByText(stoppedBy: string): string {
  return stoppedBy === 'generator'
    ? 'stopped by its own load generator: its rates are lower bounds, the model is slower than the target'
    : `stopped by ${stoppedBy}`;
}

/** A URL as a report may show it: no credentials (`user:pass@`), no query string. */
const strippedUrl = (example: string) =>
  z
    .string({ error: `expected a URL such as \`${example}\`` })
    .regex(/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+(\/[^\s?#@]*)?$/, {
      error: `expected a URL without credentials or query string, such as \`${example}\``,
    });

const fitSchema = z.strictObject({
  value: z.number().describe('The fitted value, in `unit`.'),
  low: z.number().nullable().describe('Lower end of the confidence interval; null when unknown.'),
  high: z.number().nullable().describe('Upper end of the confidence interval; null when unbounded.'),
  unit: z.string().describe('Unit of value, low and high, e.g. `/s`, `ms`, or empty for a count.'),
  steps: z.number().int().min(0).describe('Probe steps the fit used.'),
  bound: z
    .enum(['lower', 'upper'])
    .optional()
    .describe('Set when the probe stopped before the knee: the value is only a bound.'),
});

export const calibrationMetaSchema = z.strictObject({
  'taken-at': z.iso.datetime({ error: 'expected an ISO time such as `2026-11-27T20:31:04.120Z`' }),
  'fleetstorm-version': z.string().min(1).describe('The fleetstorm version that took it.'),
  targets: z
    .strictObject({
      mqtt: z.array(strippedUrl('mqtt://broker.staging.test:1883')).min(1),
      http: strippedUrl('http://api.staging.test:8080').optional(),
    })
    .describe('What was probed (credentials and query strings stripped).'),
  'stopped-by': z
    .enum(STOPPED_BY)
    .describe(
      'Why the probe stopped: the first knee, the load generator falling behind first (`generator`: the rates are lower bounds), `--max-connections`, or `target.limits`.',
    ),
  fits: z
    .record(z.string().regex(/^[a-z-]+(\.[a-z0-9-]+)+$/), fitSchema)
    .default({})
    .describe('One entry per fitted backend field, by dotted path into `backend:` (e.g. `connect.rate`).'),
});

export const calibrationFileSchema = z
  .strictObject({
    calibration: calibrationMetaSchema,
    backend: backendSchema,
  })
  .describe('A calibration file written by `fleetstorm calibrate`.');

/** What the calibrate command writes (units as strings, as in a scenario). */
export type CalibrationFileInput = z.input<typeof calibrationFileSchema>;
/** A validated calibration file, every backend default filled in. */
export type CalibrationFile = z.output<typeof calibrationFileSchema>;
export type CalibrationFit = z.output<typeof fitSchema>;

export interface LoadedCalibration {
  file: CalibrationFile;
  /**
   * The `backend:` section as written (no defaults filled in): merged under the fields written
   * beside `from:`, so a section the calibration left out keeps the scenario's own values.
   */
  backendInput: Record<string, unknown>;
  ref: CalibrationRef;
}

/** Validates a calibration document already read; `label` names it in errors. */
export function parseCalibration(doc: unknown, label: string): CalibrationFile {
  const r = calibrationFileSchema.safeParse(doc, { reportInput: true, error: errorMap });
  if (r.success) return r.data;
  throw issueToToolError(r.error.issues, {
    file: label,
    code: 'FLEETSTORM_ERR_CALIBRATION',
    schema: calibrationFileSchema,
  });
}

/** The report's account of a calibration: which file, when, against what, why it stopped. */
export function calibrationRef(c: CalibrationFile, file: string): CalibrationRef {
  const t = c.calibration.targets;
  return {
    file,
    takenAt: c.calibration['taken-at'],
    targets: t.http === undefined ? { mqtt: [...t.mqtt] } : { mqtt: [...t.mqtt], http: t.http },
    stoppedBy: c.calibration['stopped-by'],
  };
}

/**
 * Reads and validates a calibration file. `path` is resolved already; `where` names the field
 * that referred to it (e.g. `scenarios/storm.yaml: backend.from`) for a missing file.
 */
export async function loadCalibration(path: string, where = path): Promise<LoadedCalibration> {
  const doc = await readDocument(path, 'FLEETSTORM_ERR_CALIBRATION', where);
  const file = parseCalibration(doc, path);
  const raw = (doc as { backend?: unknown }).backend;
  if (typeof raw !== 'object' || raw === null)
    throw new ToolError('FLEETSTORM_ERR_CALIBRATION', 'has no backend section', {
      where: path,
      fix: 'use a file written by `fleetstorm calibrate`',
    });
  return { file, backendInput: { ...(raw as Record<string, unknown>) }, ref: calibrationRef(file, path) };
}
