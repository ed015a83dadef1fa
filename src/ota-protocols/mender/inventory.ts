// What a simulated device reports to Mender's inventory (`PATCH .../inventory/device/attributes`,
// ListOfAttributes): the attributes a Mender client's default inventory scripts always send.
import type { OtaDeviceFacts } from '../types.js';
import type { MenderAttribute } from './wire.js';

export const CLIENT_VERSION_ATTRIBUTE = 'fleetstorm-simulated';

export function inventoryOf(dev: OtaDeviceFacts): MenderAttribute[] {
  return [
    { name: 'device_type', value: dev.deviceType },
    { name: 'artifact_name', value: dev.version },
    { name: 'rootfs-image.version', value: dev.version },
    { name: 'mender_client_version', value: CLIENT_VERSION_ATTRIBUTE },
  ];
}

/** `id_data` of the auth request: a JSON object as a string (deviceauth AuthRequest). */
export function identityDataOf(dev: OtaDeviceFacts): string {
  return JSON.stringify({ id: dev.id });
}
