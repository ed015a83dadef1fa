// `ota.aws-jobs`: settings of the AWS IoT Jobs client over MQTT (`ota.protocol: aws-iot-jobs`).
// Owned by the Jobs protocol (src/ota-protocols/aws-jobs); the schema, the resolved type and
// the resolver live together here so the protocol adds a field in one file.
import * as z from 'zod';
import { withDefault } from '../schema-fields.js';

export const awsJobsSettingsSchema = z.strictObject({
  'thing-name': withDefault(
    z.string().min(1),
    '{id}',
    'The thing name in the `$aws/things/{thing}/jobs/...` topics: a device-fact template.',
  ),
});

export type AwsJobsSettingsParsed = z.output<typeof awsJobsSettingsSchema>;

export interface AwsJobsSettings {
  thingName: string;
}

export function resolveAwsJobsSettings(
  p: AwsJobsSettingsParsed,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the protocol's own fields use it
  _at: (path: string) => string,
): AwsJobsSettings {
  return { thingName: p['thing-name'] };
}
