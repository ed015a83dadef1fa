// Update protocols by name (`ota.protocol`): each is a folder under src/ota-protocols/ and one
// line here. Null: not built yet (a scenario naming it is refused at load, see protocolOf).
import { ToolError } from '../errors/tool-error.js';
import { awsJobsProtocol } from './aws-jobs/index.js';
import { fleetstormProtocol } from './fleetstorm/index.js';
import { hawkbitProtocol } from './hawkbit/index.js';
import { menderProtocol } from './mender/index.js';
import type { OtaProtocolModule } from './module.js';
import type { OtaProtocolName } from './types.js';

export const OTA_PROTOCOL_REGISTRY: Readonly<Record<OtaProtocolName, OtaProtocolModule | null>> = {
  fleetstorm: fleetstormProtocol,
  mender: menderProtocol,
  'hawkbit-ddi': hawkbitProtocol,
  'aws-iot-jobs': awsJobsProtocol,
};

/** The module of a protocol; a ToolError naming `where` when it is not available. */
export function protocolOf(name: OtaProtocolName, where: string): OtaProtocolModule {
  const m = OTA_PROTOCOL_REGISTRY[name];
  if (m !== null) return m;
  throw new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', `OTA protocol ${name} is not available`, {
    where,
    got: name,
    fix: `use one of ${Object.entries(OTA_PROTOCOL_REGISTRY)
      .filter(([, v]) => v !== null)
      .map(([k]) => k)
      .join(', ')}`,
  });
}

/** Every available module (the embedded backend mounts all of their routes). */
export function availableProtocols(): OtaProtocolModule[] {
  return Object.values(OTA_PROTOCOL_REGISTRY).filter((m): m is OtaProtocolModule => m !== null);
}
