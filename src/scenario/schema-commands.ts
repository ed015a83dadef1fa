// Schema of device commands and the operator's timeline: a device type's `commands` (the topic it
// subscribes to, where and how it answers, what a command does to it) and the scenario's
// top-level `operations` (bulk commands an operator connection publishes to selected devices).
import * as z from 'zod';
import { COMMAND_EFFECTS } from './types.js';
import { whoObjectSchema } from './schema-events.js';
import {
  durationField,
  durationRangeField,
  nameField,
  rateField,
  ratioField,
  shareField,
  typeError,
  withDefault,
} from './schema-fields.js';

const qosField = z.literal([0, 1, 2], { error: typeError('expected 0, 1 or 2') });

export const commandsSchema = z.strictObject({
  topic: z
    .string()
    .min(1)
    .describe(
      'Command topic template (`devices/{id}/cmd`, any device fact); the device subscribes to it after every CONNACK.',
    ),
  'reply-topic': z
    .string()
    .min(1)
    .optional()
    .describe(
      "Reply topic template. Default: with MQTT 5, the request's response topic and correlation data (the operator asks for `<topic>/reply`); with 3.1.1, `<topic>/reply`.",
    ),
  qos: withDefault(qosField, 1, 'MQTT QoS of the subscription and of the replies.'),
  'reply-delay': withDefault(
    durationRangeField(),
    '0s',
    'Time the device takes to answer, drawn per command, e.g. `50ms..2s`.',
  ),
  failure: withDefault(ratioField(), '0%', 'Share of commands answered with an error result (no effect).'),
  'name-field': withDefault(
    z.string().min(1),
    'name',
    'JSON field of the command payload that names the command.',
  ),
  actions: withDefault(
    z.record(z.string().min(1), z.enum(COMMAND_EFFECTS)),
    {},
    'Command name → effect on the device: `reboot` (clean disconnect, reboot), `telemetry-interval` (the `interval` argument becomes its telemetry interval), `ota-check` (an update check now), `none`. Unlisted names are answered with no effect.',
  ),
});

const commandSchema = z.strictObject({
  name: z.string().min(1).describe('Command name, sent in the payload field the device type names.'),
  args: withDefault(
    z.record(z.string(), z.unknown()),
    {},
    'Arguments sent with the command, e.g. `{ interval: 5m }` for a telemetry-interval effect.',
  ),
  topic: z
    .string()
    .min(1)
    .optional()
    .describe("Topic template the command is published to. Default: each device type's `commands.topic`."),
  qos: qosField.optional().describe("MQTT QoS of the command. Default: the device type's `commands.qos`."),
});

export const operationSchema = z.strictObject({
  at: durationField().describe('When the operator starts sending (since the run start).'),
  name: nameField().optional().describe('Name in reports and the outcomes file. Default: `op<index>`.'),
  command: commandSchema.describe('The command sent to each selected device.'),
  who: z
    .union([shareField(), whoObjectSchema], {
      error: typeError('expected a share such as `20%` or { share|count, device, firmware, state }'),
    })
    .optional()
    .describe(
      'Which devices: `20%` or { share | count, device, firmware, state }. Default: every device with `commands`.',
    ),
  rate: withDefault(rateField(), '1000/s', 'Commands the operator publishes per second.'),
  timeout: withDefault(
    durationField(),
    '30s',
    'A command without a reply this long after its intended send time counts as unanswered.',
  ),
});

export type CommandsParsed = z.output<typeof commandsSchema>;
export type OperationParsed = z.output<typeof operationSchema>;
