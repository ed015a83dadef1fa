// `ota.protocol` and the per-protocol settings blocks of a device type's OTA agent: one place
// that assembles the schema keys and resolves the block of the chosen protocol. A protocol's
// own fields live in its file here (mender.ts, hawkbit.ts, aws-jobs.ts).
import * as z from 'zod';
import { ToolError } from '../../errors/tool-error.js';
import { OTA_PROTOCOLS, type OtaProtocolName } from '../../ota-protocols/types.js';
import { withDefault } from '../schema-fields.js';
import { awsJobsSettingsSchema, resolveAwsJobsSettings, type AwsJobsSettings } from './aws-jobs.js';
import { hawkbitSettingsSchema, resolveHawkbitSettings, type HawkbitSettings } from './hawkbit.js';
import { menderSettingsSchema, resolveMenderSettings, type MenderSettings } from './mender.js';

export type { AwsJobsSettings, HawkbitSettings, MenderSettings };

/** Keys spread into the `ota` object of a device type. */
export const otaProtocolShape = {
  protocol: withDefault(
    z.enum(OTA_PROTOCOLS),
    'fleetstorm',
    "How the agent talks to the update server: fleetstorm (the embedded backend's check-in API), mender (Mender device API v1), hawkbit-ddi (Eclipse hawkBit DDI), aws-iot-jobs (AWS IoT Jobs over the device's MQTT session). The state machine, faults and metrics are the same in all.",
  ),
  mender: menderSettingsSchema.optional().describe('Settings of `protocol: mender`.'),
  hawkbit: hawkbitSettingsSchema.optional().describe('Settings of `protocol: hawkbit-ddi`.'),
  'aws-jobs': awsJobsSettingsSchema.optional().describe('Settings of `protocol: aws-iot-jobs`.'),
};

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- only its type is used
const parsedShape = z.strictObject(otaProtocolShape);
type OtaProtocolParsed = z.output<typeof parsedShape>;

/** The resolved protocol and its settings (null for the protocols not chosen). */
export interface OtaProtocolConfig {
  protocol: OtaProtocolName;
  mender: MenderSettings | null;
  hawkbit: HawkbitSettings | null;
  awsJobs: AwsJobsSettings | null;
}

const BLOCK_OF: Record<OtaProtocolName, 'mender' | 'hawkbit' | 'aws-jobs' | null> = {
  fleetstorm: null,
  mender: 'mender',
  'hawkbit-ddi': 'hawkbit',
  'aws-iot-jobs': 'aws-jobs',
};

export function resolveOtaProtocol(o: OtaProtocolParsed, at: (path: string) => string): OtaProtocolConfig {
  const p = o.protocol;
  for (const block of ['mender', 'hawkbit', 'aws-jobs'] as const) {
    if (o[block] === undefined || BLOCK_OF[p] === block) continue;
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', `ota.${block} is set but the protocol is ${p}`, {
      where: at(`ota.${block}`),
      got: `ota.protocol: ${p}`,
      fix: `set ota.protocol to the protocol of ota.${block}, or remove ota.${block}`,
    });
  }
  return {
    protocol: p,
    mender: p === 'mender' ? resolveMenderSettings(menderSettingsSchema.parse(o.mender ?? {}), at) : null,
    hawkbit:
      p === 'hawkbit-ddi' ? resolveHawkbitSettings(hawkbitSettingsSchema.parse(o.hawkbit ?? {}), at) : null,
    awsJobs:
      p === 'aws-iot-jobs'
        ? resolveAwsJobsSettings(awsJobsSettingsSchema.parse(o['aws-jobs'] ?? {}), at)
        : null,
  };
}
