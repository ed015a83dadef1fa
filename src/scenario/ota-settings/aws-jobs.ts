// `ota.aws-jobs`: settings of the AWS IoT Jobs client over MQTT (`ota.protocol: aws-iot-jobs`).
// Owned by the Jobs protocol (src/ota-protocols/aws-jobs); the schema, the resolved type and
// the resolver live together here so the protocol adds a field in one file.
import * as z from 'zod';
import { ToolError } from '../../errors/tool-error.js';
import { compileTemplate } from '../../identity/template.js';
import { durationField, withDefault } from '../schema-fields.js';
import { parseDurationUs } from '../units.js';

/** stepTimeoutInMinutes: 1 minute to 7 days (StartNextPendingJobExecution, UpdateJobExecution). */
const MAX_STEP_MINUTES = 10080;

export const awsJobsSettingsSchema = z.strictObject({
  'thing-name': withDefault(
    z.string().min(1),
    '{id}',
    'The thing name in the `$aws/things/{thing}/jobs/...` topics: a device-fact template.',
  ),
  'step-timeout': withDefault(
    durationField(),
    '60m',
    'Sent as stepTimeoutInMinutes with start-next and every IN_PROGRESS update: the Jobs service sets the execution TIMED_OUT when the next update does not come within it (whole minutes, 1m to 7d).',
  ),
  'reply-timeout': withDefault(
    durationField(),
    '10s',
    'Real time a Jobs or shadow request waits for its accepted/rejected reply before it counts as failed.',
  ),
});

export type AwsJobsSettingsParsed = z.output<typeof awsJobsSettingsSchema>;

export interface AwsJobsSettings {
  thingName: string;
  stepTimeoutMinutes: number;
  replyTimeoutMs: number;
}

export function resolveAwsJobsSettings(
  p: AwsJobsSettingsParsed,
  at: (path: string) => string,
): AwsJobsSettings {
  compileTemplate(p['thing-name'], at('ota.aws-jobs.thing-name')); // a bad template fails at load
  const stepUs = parseDurationUs(p['step-timeout'], at('ota.aws-jobs.step-timeout'));
  const minutes = stepUs / 60e6;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_STEP_MINUTES)
    throw new ToolError(
      'FLEETSTORM_ERR_SCENARIO_INVALID',
      'the Jobs step timeout is whole minutes, 1m to 7d',
      {
        where: at('ota.aws-jobs.step-timeout'),
        got: p['step-timeout'],
        fix: 'write whole minutes between 1m and 7d, e.g. `step-timeout: 30m`',
      },
    );
  const replyMs = parseDurationUs(p['reply-timeout'], at('ota.aws-jobs.reply-timeout')) / 1000;
  if (replyMs < 1)
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', 'the Jobs reply timeout is too short', {
      where: at('ota.aws-jobs.reply-timeout'),
      got: p['reply-timeout'],
      fix: 'at least 1ms; replies over the internet take tens to hundreds of ms, e.g. `reply-timeout: 10s`',
    });
  return { thingName: p['thing-name'], stepTimeoutMinutes: minutes, replyTimeoutMs: replyMs };
}
