// Schema of a device type: `scenarios/devices/<name>.yaml`, or inline under `fleet[i].device`.
// Every field has a default, so a device type file may be as short as `radio: { profile: wifi }`.
// Radio bandwidth, latency and loss default per radio profile (see resolve-device.ts).
import * as z from 'zod';
import { BACKOFF_POLICIES, RADIO_PROFILES } from './types.js';
import {
  bandwidthField,
  chargeField,
  currentField,
  durationField,
  durationRangeField,
  nameField,
  positiveIntField,
  ratioField,
  ratioRangeField,
  withDefault,
  withObjectDefault,
  typeError,
} from './schema-fields.js';
import { birthWillShape } from './schema-birth-will.js';
import { identityShape } from './schema-identity.js';
import { deviceTlsSchema } from './schema-tls.js';
import { telemetrySchema } from './schema-telemetry.js';
import { commandsSchema } from './schema-commands.js';
import { otaProtocolShape } from './ota-settings/index.js';

interface BackoffDefaults {
  policy: (typeof BACKOFF_POLICIES)[number];
  base: string;
  max: string;
  multiplier: number;
}

export function backoffSchema(d: BackoffDefaults) {
  return z.strictObject({
    policy: withDefault(
      z.enum(BACKOFF_POLICIES),
      d.policy,
      'none: retry after `base` every time; full: uniform 0..min(max, base × multiplier^attempt) (AWS "full jitter"); equal: half fixed, half jittered; decorrelated: uniform base..3 × previous delay, capped at max.',
    ),
    base: withDefault(durationField(), d.base, 'First retry delay.'),
    max: withDefault(durationField(), d.max, 'Cap on any retry delay.'),
    multiplier: withDefault(z.number().min(1), d.multiplier, 'Growth factor per attempt.'),
  });
}

const radioSchema = z.strictObject({
  profile: withDefault(z.enum(RADIO_PROFILES), 'lte-m', 'Radio technology; sets the defaults below.'),
  bandwidth: bandwidthField()
    .optional()
    .describe(
      'Link throughput, e.g. `250kbit/s`. Default by profile: nb-iot 30kbit/s, lte-m 300kbit/s, wifi 20Mbit/s, ethernet 100Mbit/s.',
    ),
  latency: durationRangeField()
    .optional()
    .describe(
      'One-way latency drawn per message. Default by profile: nb-iot 300ms..2s, lte-m 50ms..200ms, wifi 5ms..30ms, ethernet 1ms..5ms.',
    ),
  loss: ratioField()
    .optional()
    .describe('Share of packets lost. Default by profile: nb-iot 1%, lte-m 0.5%, wifi 0.1%, ethernet 0%.'),
});

const drainSchema = z.strictObject({
  sleep: withDefault(currentField(), '10uA', 'Current while asleep or idle.'),
  connected: withDefault(currentField(), '8mA', 'Average current while the radio holds a connection.'),
  download: withDefault(currentField(), '60mA', 'Current while downloading firmware.'),
  install: withDefault(currentField(), '30mA', 'Current while verifying and installing firmware.'),
});

const batterySchema = z.strictObject({
  capacity: withDefault(
    z.union([z.literal('mains'), chargeField()], {
      error: typeError('expected `mains` or a charge such as `2600mAh`'),
    }),
    'mains',
    '`mains` (never goes flat) or the battery capacity, e.g. `2600mAh`.',
  ),
  initial: withDefault(
    ratioRangeField(),
    '100%',
    'State of charge at power-on, drawn per device, e.g. `60%..100%`.',
  ),
  drain: withObjectDefault(drainSchema, 'Current drawn per state.'),
  publish: withDefault(chargeField(), '0.05mAh', 'Charge used by one telemetry publish.'),
  'on-flat': withDefault(
    z.enum(['dark', 'recharge']),
    'dark',
    'A flat device stays dark, or comes back fully charged after `recharge-after`.',
  ),
  'recharge-after': withDefault(
    durationRangeField(),
    '7d',
    'Time until a flat device is recharged or replaced.',
  ),
});

const connectivitySchema = z.strictObject({
  mode: withDefault(
    z.enum(['persistent', 'duty-cycle']),
    'persistent',
    'persistent: stays connected; duty-cycle: wake, connect, publish, disconnect, sleep.',
  ),
  keepalive: withDefault(
    durationField(),
    '60s',
    'MQTT keepalive; a silent link is detected after 1.5 × keepalive.',
  ),
  'connect-timeout': withDefault(durationField(), '30s', 'Give up on a connect attempt after this long.'),
  'clean-session': withDefault(
    z.boolean(),
    false,
    'false keeps a persistent session on the broker (live mode: clean session / clean start off, the broker resumes it on reconnect).',
  ),
  protocol: withDefault(
    z.union([z.literal('3.1.1'), z.literal('5'), z.literal(5)], {
      error: typeError('expected 3.1.1 or 5'),
    }),
    '3.1.1',
    'MQTT protocol version the devices speak (live mode): `3.1.1` or `5`.',
  ),
  'session-expiry': withDefault(
    durationField(),
    '1h',
    'MQTT 5 session expiry interval sent with `clean-session: false`, in real time as the broker counts it (not scaled by live.speed).',
  ),
  backoff: withObjectDefault(
    backoffSchema({ policy: 'full', base: '1s', max: '5m', multiplier: 2 }),
    'Reconnect backoff. Default: full jitter, 1s base, 5m cap, ×2.',
  ),
  ...identityShape,
  tls: deviceTlsSchema
    .optional()
    .describe(
      'Live mode, TLS targets: a client certificate per device from path templates (`certs/{id}.pem`).',
    ),
  ...birthWillShape,
});

const otaSchema = z.strictObject({
  slots: withDefault(
    z.enum(['ab', 'single']),
    'ab',
    'ab: install to the inactive slot and fall back on failure; single: overwrite in place (a failed install bricks).',
  ),
  resume: withDefault(
    z.boolean(),
    true,
    'Resume an interrupted download from the byte reached (HTTP Range).',
  ),
  discovery: withDefault(
    z.enum(['poll', 'push']),
    'poll',
    'poll: periodic check-in; push: notified over MQTT.',
  ),
  'check-interval': withDefault(durationField(), '1h', 'Check-in period when discovery is poll.'),
  'min-battery': withDefault(ratioField(), '20%', 'No install below this state of charge.'),
  verify: withDefault(durationRangeField(), '2s..5s', 'SHA-256 and signature check.'),
  install: withDefault(durationRangeField(), '30s..90s', 'Writing the image.'),
  reboot: withDefault(durationRangeField(), '10s..30s', 'Reboot into the new image.'),
  'health-check': withDefault(durationRangeField(), '30s..60s', 'Self-test before commit.'),
  'health-failure': withDefault(
    ratioField(),
    '0%',
    'Share of installs that fail the health check (then roll back).',
  ),
  'max-attempts': withDefault(positiveIntField(), 3, 'Download/install attempts before giving up.'),
  'retry-backoff': withObjectDefault(
    backoffSchema({ policy: 'full', base: '1m', max: '1h', multiplier: 2 }),
    'Delay between OTA attempts. Default: full jitter, 1m base, 1h cap, ×2.',
  ),
  ...otaProtocolShape,
});

const clockSchema = z.strictObject({
  drift: withDefault(
    z.string().regex(/^(?:±|\+-)?\d+(?:\.\d+)?\s*ppm$/, { error: 'write the drift in ppm, e.g. `±50ppm`' }),
    '±0ppm',
    'Clock rate error bound: each device draws its rate once within it.',
  ),
  'since-sync': withDefault(
    durationField(),
    '0s',
    'Time since the clocks were last synced when the run starts: the drift already gathered (`7d`).',
  ),
});

const provisioningSchema = z.strictObject({
  timeout: withDefault(
    durationField(),
    '30s',
    'A registration request unanswered this long has failed; the device retries after its reconnect backoff.',
  ),
  path: withDefault(
    z.string().regex(/^\/[^\s?#]*$/, { error: 'expected a path such as `/provision`' }),
    '/provision',
    'Live mode: the registration endpoint on `target.http` (POST, the device id in the body).',
  ),
});

const deviceTypeShape = {
  name: nameField().optional().describe('Device type name; in a file it must match the file name.'),
  extends: nameField().optional().describe('Start from another device type (a file in the devices folder).'),
  description: z.string().optional().describe('Free text.'),
  firmware: withDefault(z.string().min(1), '1.0.0', 'Firmware version the devices run at power-on.'),
  radio: withObjectDefault(radioSchema, 'Radio link.'),
  battery: withObjectDefault(batterySchema, 'Power supply. Default: mains powered.'),
  connectivity: withObjectDefault(connectivitySchema, 'MQTT connection behaviour.'),
  telemetry: withObjectDefault(telemetrySchema, 'Periodic publishes.'),
  clock: withObjectDefault(clockSchema, "The device's clock (for `telemetry.at` / `cron`)."),
  ota: withObjectDefault(otaSchema, 'Firmware update agent.'),
  program: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The device's own logic: a TypeScript or JavaScript (ESM) module exporting `defineDevice({...})`, or a WebAssembly `.wasm` module, relative to the scenario file (docs/device-programs.md). Default: none (the built-in device only).",
    ),
  'program-budget': durationField()
    .optional()
    .describe(
      'Real time one program callback may run before it is stopped as a runaway (the program is then switched off). Default: 50ms.',
    ),
  commands: commandsSchema
    .optional()
    .describe('Commands the device answers (from an operator, see `operations`). Default: none.'),
  provisioning: provisioningSchema
    .optional()
    .describe(
      'First boot registers with the backend before its first connect (once: a reboot does not register again). Default: none (devices are provisioned already).',
    ),
};

/** A device type file (`scenarios/devices/<name>.yaml`). */
export const deviceTypeSchema = z.strictObject(deviceTypeShape).describe('A fleetstorm device type.');

/** A device type written inline in a scenario's fleet entry: `name` is required. */
export const inlineDeviceTypeSchema = z
  .strictObject({
    ...deviceTypeShape,
    name: nameField().describe('Device type name, used by faults and rollout selectors.'),
  })
  .describe('An inline device type.');

export type DeviceTypeInput = z.input<typeof deviceTypeSchema>;
export type DeviceTypeParsed = z.output<typeof deviceTypeSchema>;
export type BackoffParsed = DeviceTypeParsed['connectivity']['backoff'];
