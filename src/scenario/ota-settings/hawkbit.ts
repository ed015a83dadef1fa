// `ota.hawkbit`: settings of the Eclipse hawkBit DDI client (`ota.protocol: hawkbit-ddi`). Owned
// by the hawkBit protocol (src/ota-protocols/hawkbit); the schema, the resolved type and the
// resolver live together here so the protocol adds a field in one file.
import * as z from 'zod';
import { withDefault } from '../schema-fields.js';

export const hawkbitSettingsSchema = z.strictObject({
  tenant: withDefault(
    z.string().min(1),
    'DEFAULT',
    'The hawkBit tenant in the DDI path (`/{tenant}/controller/v1/...`).',
  ),
});

export type HawkbitSettingsParsed = z.output<typeof hawkbitSettingsSchema>;

export interface HawkbitSettings {
  tenant: string;
}

export function resolveHawkbitSettings(
  p: HawkbitSettingsParsed,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the protocol's own fields use it
  _at: (path: string) => string,
): HawkbitSettings {
  return { tenant: p.tenant };
}
