// `ota.hawkbit`: settings of the Eclipse hawkBit DDI client (`ota.protocol: hawkbit-ddi`). Owned
// by the hawkBit protocol (src/ota-protocols/hawkbit); the schema, the resolved type and the
// resolver live together here so the protocol adds a field in one file.
import * as z from 'zod';
import { ToolError } from '../../errors/tool-error.js';
import { compileTemplate } from '../../identity/template.js';
import { parseSecretRefs } from '../../secrets/refs.js';
import { durationField, withDefault } from '../schema-fields.js';
import { parseDurationUs } from '../units.js';

export const hawkbitSettingsSchema = z.strictObject({
  tenant: withDefault(
    z.string().min(1),
    'DEFAULT',
    'The hawkBit tenant in the DDI path (`/{tenant}/controller/v1/...`).',
  ),
  'target-token': z
    .string()
    .min(1)
    .optional()
    .describe(
      "Each device's target security token (`Authorization: TargetToken ...`): a device-fact template with secret references, e.g. `${file:tokens/{id}.txt}`. The controller id is the device's id.",
    ),
  'gateway-token': z
    .string()
    .min(1)
    .optional()
    .describe(
      "The tenant's gateway security token (`Authorization: GatewayToken ...`), e.g. `${env:HAWKBIT_GATEWAY_TOKEN}`; instead of target tokens.",
    ),
  'polling-sleep': durationField()
    .optional()
    .describe(
      "The server's `config.polling.sleep` (hawkBit's polling time): virtual mode polls at this period; live, the device follows the server's answer and uses it only when the answer has none. Default: `ota.check-interval`.",
    ),
});

export type HawkbitSettingsParsed = z.output<typeof hawkbitSettingsSchema>;

export interface HawkbitSettings {
  tenant: string;
  /** Template text (secret references unread until the client is built), or null. */
  targetToken: string | null;
  gatewayToken: string | null;
  pollingSleepUs: number | null;
}

export function resolveHawkbitSettings(
  p: HawkbitSettingsParsed,
  at: (path: string) => string,
): HawkbitSettings {
  const targetToken = p['target-token'] ?? null;
  const gatewayToken = p['gateway-token'] ?? null;
  if (targetToken !== null && gatewayToken !== null)
    throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', 'a hawkBit device authenticates with one token', {
      where: at('ota.hawkbit'),
      got: 'target-token and gateway-token',
      fix: 'keep target-token (one per device) or gateway-token (one for the tenant)',
    });
  for (const [key, text] of [
    ['target-token', targetToken],
    ['gateway-token', gatewayToken],
  ] as const) {
    if (text === null) continue;
    for (const part of parseSecretRefs(text, at(`ota.hawkbit.${key}`)))
      if (typeof part === 'string') compileTemplate(part, at(`ota.hawkbit.${key}`), { secret: true });
  }
  const sleep = p['polling-sleep'];
  return {
    tenant: p.tenant,
    targetToken,
    gatewayToken,
    pollingSleepUs: sleep === undefined ? null : parseDurationUs(sleep, at('ota.hawkbit.polling-sleep')),
  };
}
