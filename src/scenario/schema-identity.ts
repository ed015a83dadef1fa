// Schema of a device's identity and credentials (`connectivity.client-id`, `username`,
// `password`): device-fact templates (src/identity/template.ts) and secret references
// (`${env:NAME}`, `${file:path}`, src/secrets/refs.ts), kept as written; they are filled and read
// only when a live run connects, so the resolved scenario (and every report) holds references.
import * as z from 'zod';
import { durationField, typeError, withDefault } from './schema-fields.js';
import { JWT_ALGS } from './types.js';

export const DEFAULT_CLIENT_ID = '{run}-{index}';

const claimValue = z.union([z.string(), z.number(), z.boolean()], {
  error: typeError('expected a string, number or boolean claim'),
});

const jwtSchema = z.strictObject({
  alg: z
    .enum(JWT_ALGS)
    .describe('Signature algorithm: HS256 (shared secret), RS256 or ES256 (PEM private key).'),
  secret: z
    .string()
    .min(1)
    .optional()
    .describe('HS256 shared secret, e.g. `${env:JWT_SECRET}` (a literal is redacted from reports).'),
  key: z
    .string()
    .min(1)
    .optional()
    .describe('RS256/ES256 private key (PEM, PKCS#8 or traditional), e.g. `${file:keys/device.key}`.'),
  claims: z
    .record(z.string(), claimValue)
    .default({ sub: '{id}' })
    .describe(
      'Claims; strings are device templates (`{id}`, `{index}`...). `iat` and `exp` are added from the wall clock and `expiry`. Default: `{ sub: "{id}" }`.',
    ),
  expiry: withDefault(
    durationField(),
    '1h',
    'Token lifetime in real (wall-clock) time; an expired token is replaced at the next connect, and a connected device reconnects with a fresh one.',
  ),
});

const sasSchema = z.strictObject({
  hub: z
    .string()
    .min(1)
    .describe(
      'IoT Hub host name, e.g. `myhub.azure-devices.net`; available as `{hub}` in `resource` and `username`.',
    ),
  key: z
    .string()
    .min(1)
    .describe(
      'Base64 device (or policy) key, e.g. `${env:DEVICE_KEY}` (a literal is redacted from reports).',
    ),
  resource: withDefault(z.string().min(1), '{hub}/devices/{id}', 'Signed resource URI (template).'),
  policy: z.string().min(1).optional().describe('Shared access policy name (`skn`), for policy keys.'),
  expiry: withDefault(
    durationField(),
    '1h',
    'Token lifetime in real (wall-clock) time; a connected device reconnects with a fresh token when it expires.',
  ),
});

const passwordSchema = z.union(
  [
    z.string(),
    z.strictObject({ jwt: jwtSchema }).describe('A JSON Web Token generated per device.'),
    z.strictObject({ sas: sasSchema }).describe('An Azure IoT Hub shared access signature per device.'),
  ],
  { error: typeError('expected a string, `{ jwt: {...} }` or `{ sas: {...} }`') },
);

/** Identity fields shared by device types (with defaults) and profiles (without). */
export const identityShape = {
  'client-id': withDefault(
    z.string().min(1),
    DEFAULT_CLIENT_ID,
    'MQTT client id, a template: `{index}` `{index:06}` `{type}` `{id}` (= `{type}-{index}`, stable across runs) `{shard}` `{run}` `{seq}`.',
  ),
  username: z
    .string()
    .optional()
    .describe("MQTT username (template). Default: none, or the target URL's user."),
  password: passwordSchema
    .optional()
    .describe(
      "MQTT password: a template with `${env:NAME}` / `${file:path}` references (path relative to the scenario file), or a token generator `{ jwt: ... }` / `{ sas: ... }`. Default: none, or the target URL's password.",
    ),
};

/** A profile's identity overlay: every key optional, applied to every device type. */
export const identityOverlaySchema = z
  .strictObject({
    'client-id': z
      .string()
      .min(1)
      .optional()
      .describe("Replaces every device type's `connectivity.client-id`."),
    username: identityShape.username.describe("Replaces every device type's `connectivity.username`."),
    password: identityShape.password.describe("Replaces every device type's `connectivity.password`."),
  })
  .describe("Identity and credentials for every device type (e.g. a staging broker's).");

export type PasswordParsed = z.output<typeof passwordSchema>;
