// `ota.mender`: settings of the Mender device API v1 client (`ota.protocol: mender`). Owned by
// the Mender protocol (src/ota-protocols/mender); the schema, the resolved type and the
// resolver live together here so the protocol adds a field in one file.
import * as z from 'zod';
import { MENDER_KEY_TYPES, type MenderKeyType } from '../../ota-protocols/mender/keys.js';
import { parseSecretRefs } from '../../secrets/refs.js';
import { durationField, withDefault } from '../schema-fields.js';
import { parseDurationUs } from '../units.js';

export const menderSettingsSchema = z.strictObject({
  'poll-interval': withDefault(
    durationField(),
    '30m',
    "How often the client asks for a deployment (mender.conf UpdatePollIntervalSeconds, Mender's default 1800 s).",
  ),
  'inventory-interval': withDefault(
    durationField(),
    '8h',
    "How often the client sends its inventory (InventoryPollIntervalSeconds, Mender's default 28800 s).",
  ),
  key: withDefault(
    z.enum(MENDER_KEY_TYPES),
    'ed25519',
    "Each device's authentication key: ed25519 and ecdsa (P-256) are derived from the device id (the same key every run, nothing stored); rsa (2048 bit, the Mender client's kind) is generated per device at first use and costs tens of ms of CPU each.",
  ),
  'tenant-token': z
    .string()
    .min(1)
    .optional()
    .describe(
      "The organisation's tenant token (hosted Mender, Enterprise), sent in every auth request; write `${env:MENDER_TENANT_TOKEN}` so it stays out of reports. Absent: open source server, no tenant.",
    ),
});

export type MenderSettingsParsed = z.output<typeof menderSettingsSchema>;

export interface MenderSettings {
  pollIntervalUs: number;
  inventoryIntervalUs: number;
  key: MenderKeyType;
  /** As written: a literal or a secret reference (`${env:…}`), read when the client starts. */
  tenantToken: string | null;
}

export function resolveMenderSettings(p: MenderSettingsParsed, at: (path: string) => string): MenderSettings {
  return {
    pollIntervalUs: parseDurationUs(p['poll-interval'], at('ota.mender.poll-interval')),
    inventoryIntervalUs: parseDurationUs(p['inventory-interval'], at('ota.mender.inventory-interval')),
    key: p.key,
    tenantToken: tokenOf(p['tenant-token'], at('ota.mender.tenant-token')),
  };
}

function tokenOf(text: string | undefined, where: string): string | null {
  if (text === undefined) return null;
  parseSecretRefs(text, where); // a malformed reference is refused at load time
  return text;
}
