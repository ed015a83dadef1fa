// `ota.mender`: settings of the Mender device API v1 client (`ota.protocol: mender`). Owned by
// the Mender protocol (src/ota-protocols/mender); the schema, the resolved type and the
// resolver live together here so the protocol adds a field in one file.
import * as z from 'zod';
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
});

export type MenderSettingsParsed = z.output<typeof menderSettingsSchema>;

export interface MenderSettings {
  pollIntervalUs: number;
  inventoryIntervalUs: number;
}

export function resolveMenderSettings(p: MenderSettingsParsed, at: (path: string) => string): MenderSettings {
  return {
    pollIntervalUs: parseDurationUs(p['poll-interval'], at('ota.mender.poll-interval')),
    inventoryIntervalUs: parseDurationUs(p['inventory-interval'], at('ota.mender.inventory-interval')),
  };
}
