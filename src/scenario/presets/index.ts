// `target.preset`: a platform's device conventions filled into the device types, then its quotas
// checked against the scenario (first breach refused, exit 2). `generic` changes nothing.
import type { DeviceType, ResolvedScenario } from '../types.js';
import { AWS_QUOTAS, awsConventions, awsTransport } from './aws-iot-core.js';
import { AZURE_QUOTAS, azureConventions } from './azure-iot-hub.js';
import { firstBreach, type Preset, type Quota } from './quota.js';

export { PRESETS, type Preset } from './quota.js';
export { AWS_CONNECTS_PER_SEC } from './aws-iot-core.js';

interface Platform {
  label: string;
  conventions: (t: DeviceType) => DeviceType;
  quotas: readonly Quota[];
}

const PLATFORMS: Record<Exclude<Preset, 'generic'>, Platform> = {
  'aws-iot-core': {
    label: 'AWS IoT Core',
    conventions: awsConventions,
    quotas: [
      ...AWS_QUOTAS,
      {
        name: 'MQTT over TLS with a device credential',
        doc: 'https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html',
        check: awsTransport,
      },
    ],
  },
  'azure-iot-hub': { label: 'Azure IoT Hub', conventions: azureConventions, quotas: AZURE_QUOTAS },
};

/** The scenario with the preset's conventions; throws FLEETSTORM_ERR_PLATFORM_QUOTA on a breach. */
export function applyPreset(s: ResolvedScenario): ResolvedScenario {
  const preset = s.target.preset ?? 'generic';
  if (preset === 'generic') return s;
  const p = PLATFORMS[preset];
  const deviceTypes: Record<string, DeviceType> = {};
  for (const [name, t] of Object.entries(s.deviceTypes)) deviceTypes[name] = p.conventions(t);
  const out = { ...s, deviceTypes };
  const breach = firstBreach(p.label, p.quotas, out);
  if (breach !== null) throw breach;
  return out;
}
