// The DdiDeploymentBase the embedded server answers for an action: one `os` chunk with the
// desk's image as its artifact (size, sha256, the firmware route's absolute URL as both download
// links), the handling and the maintenance window (closed: `update: skip`, as hawkBit's
// calculateUpdateType does).
import type { DdiDeploymentBase, DdiHandling } from './ddi-types.js';
import type { DdiAction } from './server-actions.js';

export function deploymentBaseOf(
  action: DdiAction,
  origin: string,
  handling: Exclude<DdiHandling, 'skip'>,
  windowOpen: boolean | undefined,
): DdiDeploymentBase {
  const dep = action.deployment;
  const href = origin + dep.path;
  return {
    id: String(action.id),
    deployment: {
      download: handling,
      update: windowOpen === false ? 'skip' : handling,
      ...(windowOpen === undefined ? {} : { maintenanceWindow: windowOpen ? 'available' : 'unavailable' }),
      chunks: [
        {
          part: 'os',
          version: dep.version,
          name: 'firmware',
          artifacts: [
            {
              filename: `firmware-${dep.version}.bin`,
              hashes: { sha256: dep.sha256 },
              size: dep.sizeBytes,
              _links: { download: { href }, 'download-http': { href } },
            },
          ],
        },
      ],
    },
  };
}
