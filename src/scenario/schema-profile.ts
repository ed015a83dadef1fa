// Schema of a run profile (`profiles/<name>.yaml`): an overlay applied on top of any scenario.
// Nothing here has a default: a field that is absent leaves the scenario's value alone.
import * as z from 'zod';
import { MODES } from './types.js';
import { thresholdSchema } from './schema-events.js';
import { durationField, nameField, positiveIntField, scaleField, typeError } from './schema-fields.js';
import { identityOverlaySchema } from './schema-identity.js';
import { scenarioBackendSchema, targetSchema } from './schema-backend.js';

export const profileSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors; ignored.'),
    name: nameField().optional().describe('Profile name; must match the file name.'),
    description: z.string().optional().describe("Appended to the scenario's description in parentheses."),
    devices: positiveIntField()
      .optional()
      .describe('Total devices; fleet groups are scaled proportionally (largest remainder).'),
    scale: scaleField().optional().describe('Multiply the fleet size by this, e.g. `10%` or `2`.'),
    'max-devices': positiveIntField()
      .optional()
      .describe('Scale the fleet down to at most this many devices.'),
    'scale-backend': z
      .boolean()
      .optional()
      .describe(
        "When the fleet is resized: scale the modelled backend's capacity and the scenario's absolute counts (fault `who.count`, count waves, download cap) with it, so the run is a miniature of the scenario. Default: false.",
      ),
    duration: durationField().optional().describe('Run length.'),
    'max-duration': durationField().optional().describe('Shorten the run to at most this long.'),
    interval: durationField().optional().describe('Series resolution.'),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Seed.'),
    workers: z.number().int().min(0).optional().describe('Worker threads; 0 = one per core.'),
    mode: z.enum(MODES).optional().describe('Run mode.'),
    speed: z
      .union([z.number().positive(), z.literal('max')], {
        error: typeError('expected a positive number or `max`'),
      })
      .optional()
      .describe('Live mode speed.'),
    connectivity: identityOverlaySchema.optional(),
    target: targetSchema
      .optional()
      .describe(
        "Live mode target: `mqtt`/`http` replace the scenario's, `resolve` entries and `limits` fields are added over them.",
      ),
    backend: scenarioBackendSchema
      .optional()
      .describe(
        "The modelled backend: fields set here (or taken from a calibration file with `from:`) replace the scenario's.",
      ),
    thresholds: z.array(thresholdSchema).optional().describe("Appended to the scenario's thresholds."),
    strict: z
      .boolean()
      .optional()
      .describe(
        'Refuse to run (exit 2) a scenario with a rollout, wave, fault or threshold that falls outside the run or selects no device. Default: false (they are warnings).',
      ),
    'scenario-thresholds': z
      .enum(['keep', 'drop'])
      .default('keep')
      .describe(
        "drop: ignore the scenario's own thresholds (e.g. a smoke run too short for them). Default: `keep`.",
      ),
  })
  .describe('A fleetstorm run profile.');

export type ProfileInput = z.input<typeof profileSchema>;
export type ProfileParsed = z.output<typeof profileSchema>;
