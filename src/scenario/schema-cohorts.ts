// Cohort comparison in the scenario: `compare:` (which cohorts the report sets side by side),
// fleet groups' `tags`, and per-version behaviour (`firmware-versions`). See src/cohorts.
import * as z from 'zod';
import { typeError, withDefault } from './schema-fields.js';

const COHORT_BY = /^(firmware|device-type|site|tag:[A-Za-z0-9_.-]+)$/;

export const tagsSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.string().min(1))
  .optional()
  .describe(
    'Tags of the group\'s devices (`{ batch: "2026-03", region: eu }`): `compare: [{ by: tag:batch }]` puts each value in its own cohort.',
  );

const compareEntrySchema = z.strictObject({
  by: z
    .string({ error: typeError('expected firmware, device-type, site or tag:<name>') })
    .regex(COHORT_BY, { error: 'expected firmware, device-type, site or tag:<name>' })
    .describe(
      "What makes a cohort: `firmware` (the version a device runs, by time: a device updated mid-run counts for both versions), `device-type`, `site` or `tag:<name>` (a fleet group's tag).",
    ),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The cohort every other one is compared with. Default: the first (fleet order; firmware: the first group's version).",
    ),
});

export const compareSchema = withDefault(
  z.array(compareEntrySchema),
  [],
  'Cohorts compared side by side at the end of the run: battery drain per day, reconnects per device-day, publish failure ratio and OTA failures per device, each with the difference to the baseline and its 95 % confidence interval (Welch). A `compare(...)` threshold adds its dimension on its own.',
);

const firmwareVersionSchema = z.strictObject({
  'drain-factor': withDefault(
    z.number().positive().max(100),
    1,
    'Every battery current and publish charge of a device running this version × this (1.08: drains 8 % more).',
  ),
});

export const firmwareVersionsSchema = z
  .record(z.string().min(1), firmwareVersionSchema)
  .optional()
  .describe('Behaviour of firmware versions, by version (`"2.1.0": { drain-factor: 1.08 }`).');
