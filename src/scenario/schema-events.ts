// Schema of what happens during a run: the firmware rollout, faults and thresholds.
import * as z from 'zod';
import { DURING_STATES, FAULT_TYPES, WHO_STATES } from './types.js';
import {
  bandwidthField,
  countField,
  durationField,
  durationRangeField,
  positiveIntField,
  ratioField,
  shareField,
  signedDurationField,
  sizeField,
  stringOrListField,
  withDefault,
  withObjectDefault,
  typeError,
} from './schema-fields.js';

const selectorSchema = z.strictObject({
  device: stringOrListField().optional().describe('Device type name(s) targeted. Default: every type.'),
  from: stringOrListField().optional().describe('Firmware version(s) targeted. Default: every version.'),
  share: withDefault(ratioField(), '100%', 'Share of the matching devices targeted.'),
});

const failureLimitSchema = z.strictObject({
  ratio: ratioField().describe("Limit on a wave's failure ratio."),
  action: withDefault(
    z.enum(['pause', 'abort']),
    'pause',
    'pause: stop offering until resumed; abort: cancel.',
  ),
});

export const rolloutSchema = z.strictObject({
  firmware: z
    .strictObject({
      version: z
        .string({ error: typeError('expected a version string') })
        .min(1)
        .describe('Version offered.'),
      size: sizeField().describe('Image size, e.g. `4MiB`.'),
    })
    .describe('The firmware image offered.'),
  start: withDefault(durationField(), '0s', 'When the first wave is offered.'),
  waves: withDefault(
    z
      .array(
        z.union([shareField(), positiveIntField()], {
          error: typeError('expected a share such as `10%` or a count'),
        }),
      )
      .min(1),
    ['100%'],
    'Cumulative targets: a share of the targeted devices (`10%`) or a device count (`500`), increasing.',
  ),
  'wave-interval': durationField()
    .optional()
    .describe('Next wave after this long. Default: 1h when neither this nor `wave-when-done` is set.'),
  'wave-when-done': ratioField()
    .optional()
    .describe('Next wave when this share of the previous wave is done (committed, rolled back or bricked).'),
  selector: withObjectDefault(selectorSchema, 'Which devices the rollout targets. Default: all.'),
  'max-concurrent-downloads': positiveIntField()
    .optional()
    .describe('Campaign-level download cap. Default: none.'),
  'failure-limit': failureLimitSchema.optional().describe('Stop offering when a wave fails more than this.'),
  'abort-when': z
    .string()
    .optional()
    .describe('Shorthand for failure-limit with action abort: `ota_failure_ratio > 2%`.'),
  kind: withDefault(
    z.enum(['update', 'rollback']),
    'update',
    'rollback offers `firmware` as a downgrade to devices on `selector.from`.',
  ),
  'install-window': z
    .string()
    .regex(/^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$/, {
      error: 'write the window as local times `HH:MM-HH:MM`, e.g. `02:00-04:00`',
    })
    .optional()
    .describe(
      "Download at once, install only inside this window of each device's local time (`fleet[].timezone`), e.g. `02:00-04:00` (`22:00-02:00` crosses midnight): the device keeps the verified image and installs when its window opens. Default: install at once.",
    ),
});

export const whoObjectSchema = z.strictObject({
  share: ratioField()
    .optional()
    .describe('Share of the matching devices hit. Default 100% unless `count` is set.'),
  count: positiveIntField().optional().describe('Number of matching devices hit.'),
  sites: z
    .union([shareField(), positiveIntField()], {
      error: typeError('expected a share of the sites such as `2%` or a number of sites'),
    })
    .optional()
    .describe(
      'Whole sites (`sites` in the scenario): `2%` of them or a number; every matching device of a chosen site is hit at once.',
    ),
  device: stringOrListField().optional().describe('Only devices of these type(s).'),
  firmware: stringOrListField().optional().describe('Only devices running these firmware version(s).'),
  state: z
    .union([z.enum(WHO_STATES), z.array(z.enum(WHO_STATES)).min(1)])
    .optional()
    .describe(
      'Only devices in one of these states when a timed occurrence starts: a connectivity state (`connected`, `sleeping`, ...) or `ota.<state>` (`ota.downloading`, ...).',
    ),
});

const faultParamsSchema = z.strictObject({
  latency: durationField().optional().describe('radio-degrade: added one-way latency.'),
  loss: ratioField().optional().describe('radio-degrade: packet loss during the fault.'),
  bandwidth: bandwidthField().optional().describe('radio-degrade: link bandwidth during the fault.'),
  skew: signedDurationField()
    .optional()
    .describe('clock-skew: offset applied to the device clock, e.g. `-5m`.'),
  'slow-factor': z.number().min(1).optional().describe('backend-slow: service rates divided by this factor.'),
  brokers: z
    .union([countField(), z.array(countField()).min(1)], {
      error: typeError('expected a broker index such as `0` or a list such as `[0, 2]`'),
    })
    .optional()
    .describe(
      'backend-outage: only these brokers go down (0-based: `backend.brokers` in virtual mode, `target.mqtt` URLs in live mode); only their devices (device i → broker i mod N) lose their sessions and are refused, and the HTTP API stays up.',
    ),
});

export const faultSchema = z.strictObject({
  type: z.enum(FAULT_TYPES).describe('What goes wrong.'),
  at: durationField().optional().describe('When (since the run start).'),
  every: durationField().optional().describe('Repeat period (from `at`, or from the start).'),
  during: z.enum(DURING_STATES).optional().describe('Hit each chosen device when it enters this state.'),
  when: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Start the first time this metric condition holds at an interval boundary, in threshold syntax, e.g. `ota_download_started_total >= 1000` or `fleet_online_ratio >= 90%`; `every` then repeats it.',
    ),
  duration: durationRangeField()
    .optional()
    .describe(
      'How long the fault lasts, drawn per hit, e.g. `30s..10m`. Default by type: radio-drop 1m, backend-outage 5m, power-loss 10s, others 10m; instant for battery-flat, corrupt-image, clock-skew.',
    ),
  who: z
    .union([shareField(), whoObjectSchema], {
      error: typeError('expected a share such as `5%` or { share|count, device, firmware }'),
    })
    .optional()
    .describe('Which devices: `5%` or { share | count, device, firmware }. Default: all devices.'),
  params: faultParamsSchema
    .optional()
    .describe('Parameters of radio-degrade, clock-skew, backend-slow and backend-outage.'),
});

export const thresholdSchema = z.union(
  [
    z.string().min(1).describe('e.g. `p99(mqtt_connect_duration_us) < 2s`'),
    z.strictObject({
      expr: z
        .string({ error: typeError('expected an expression string') })
        .min(1)
        .describe('The expression.'),
      abort: withDefault(z.boolean(), false, 'Stop the run (exit 4) as soon as this fails.'),
      'allow-empty': withDefault(
        z.boolean(),
        false,
        'Pass when the subject never happened (no offers, no outage, zero samples) instead of failing with "no data".',
      ),
    }),
  ],
  { error: typeError('expected an expression string or { expr, abort, allow-empty }') },
);
