// THE scenario schema. Keys are kebab-case as users write them; unknown keys are errors; defaults
// live here and are documented in the descriptions (and so in scenarios/schema.json). Shortcuts
// (`who: 5%`, `target.mqtt: url`) are desugared in resolve.ts, never by the engine.
import * as z from 'zod';
import { MODES } from './types.js';
import { TIMEZONE_RE } from './resolve-lifecycle.js';
import { liveSchema, scenarioBackendSchema, targetSchema } from './schema-backend.js';
import { inlineDeviceTypeSchema } from './schema-device.js';
import { compareSchema, firmwareVersionsSchema, tagsSchema } from './schema-cohorts.js';
import { operationSchema } from './schema-commands.js';
import { faultSchema, rolloutSchema, thresholdSchema } from './schema-events.js';
import { sitesSchema } from './schema-sites.js';
import {
  durationField,
  nameField,
  positiveIntField,
  withDefault,
  withObjectDefault,
  typeError,
} from './schema-fields.js';

export { deviceTypeSchema, inlineDeviceTypeSchema } from './schema-device.js';
export type { DeviceTypeInput, DeviceTypeParsed } from './schema-device.js';
export { profileSchema } from './schema-profile.js';
export type { ProfileInput, ProfileParsed } from './schema-profile.js';

const powerOnSchema = z.strictObject({
  start: withDefault(durationField(), '0s', 'When the first device powers on.'),
  spread: withDefault(durationField(), '0s', 'Power-on times are spread uniformly over this window.'),
});

const groupPowerOnSchema = z.strictObject({
  start: durationField().describe('When the first device of the group powers on.'),
  spread: withDefault(
    durationField(),
    '0s',
    "The group's power-on times are spread uniformly over this window.",
  ),
});

const timezoneField = () =>
  z.string().regex(TIMEZONE_RE, { error: 'write a UTC offset such as `UTC`, `UTC+1` or `UTC-05:30`' });

const fleetEntrySchema = z.strictObject({
  device: z
    .union([nameField(), inlineDeviceTypeSchema], {
      error: typeError('expected a device type name or an inline device type'),
    })
    .describe(
      'Device type: a name (`scenarios/devices/<name>.yaml`) or an inline device type with a `name`.',
    ),
  count: positiveIntField().describe('Devices in this group.'),
  firmware: z.string().min(1).optional().describe("Initial firmware version. Default: the device type's."),
  tags: tagsSchema,
  'power-on': groupPowerOnSchema
    .optional()
    .describe(
      "This group's own power-on: a batch of devices that stays off until `start` (a power-on wave). Default: the scenario's `power-on`.",
    ),
  timezone: z
    .union([timezoneField(), z.array(timezoneField()).min(1)], {
      error: typeError('expected a UTC offset such as `UTC+1` or a list of them'),
    })
    .optional()
    .describe(
      "The devices' local time zone (`UTC+1`, `UTC-05:30`), or a list the group's devices are spread over evenly; local time sets `rollout.install-window`. Default: `UTC`.",
    ),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors; ignored.'),
    name: nameField().describe('Scenario name, used in report folder names.'),
    description: withDefault(z.string(), '', 'Free text shown in reports.'),
    seed: withDefault(
      z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      1,
      'Seed of every random draw; same seed ⇒ same report.',
    ),
    duration: withDefault(durationField(), '1h', 'Virtual length of the run, e.g. `6h` or `1h30m`.'),
    interval: durationField()
      .optional()
      .describe(
        'Resolution of the per-interval series. Default: a round value giving 100–300 points (6h → 2m, 24h → 5m), at least 1s.',
      ),
    mode: withDefault(
      z.enum(MODES),
      'virtual',
      'virtual: modelled backend, fast-forwarded time; live: real sockets.',
    ),
    workers: withDefault(z.number().int().min(0), 0, 'Worker threads; 0 = one per core.'),
    fleet: z
      .array(fleetEntrySchema)
      .min(1, { error: typeError('the fleet needs at least one group') })
      .describe('Device groups.'),
    'power-on': withObjectDefault(powerOnSchema, 'When devices power on. Default: all at once at 0s.'),
    backend: withObjectDefault(scenarioBackendSchema, 'Backend capacity model (virtual mode).'),
    rollout: rolloutSchema.optional().describe('A firmware rollout campaign.'),
    faults: withDefault(z.array(faultSchema), [], 'Faults injected during the run.'),
    sites: sitesSchema.optional(),
    operations: withDefault(
      z.array(operationSchema),
      [],
      "The operator's timeline: bulk commands published to selected devices.",
    ),
    thresholds: withDefault(z.array(thresholdSchema), [], 'Pass/fail conditions checked at the end.'),
    compare: compareSchema,
    'firmware-versions': firmwareVersionsSchema,
    target: withObjectDefault(targetSchema, 'Live mode target. Default: the embedded backend.'),
    live: withObjectDefault(liveSchema, 'Live mode settings.'),
  })
  .describe('A fleetstorm scenario.');

/** What users write (every defaulted field optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** After schema parsing: defaults filled, units still strings. */
export type ScenarioParsed = z.output<typeof scenarioSchema>;
export type FleetEntryParsed = ScenarioParsed['fleet'][number];
export type RolloutParsed = NonNullable<ScenarioParsed['rollout']>;
export type FaultParsed = ScenarioParsed['faults'][number];
export type OperationsParsed = ScenarioParsed['operations'];
