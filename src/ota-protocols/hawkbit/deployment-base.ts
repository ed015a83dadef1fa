// Reads a DdiDeploymentBase into the agent's OtaDeployment: the first artifact of the chunks
// (the agent installs one image), its size and SHA-256, the download link that suits the
// server's scheme, and whether installing is allowed now (`update: skip` or a maintenance window
// that is `unavailable`: download now, install later).
import type { OtaDeployment } from '../types.js';
import type { DdiArtifact, DdiDeploymentBase } from './ddi-types.js';

export type DeploymentRead =
  | { kind: 'offer'; deployment: OtaDeployment }
  /** `download: skip`: the server does not want the download yet. */
  | { kind: 'skip' }
  | { kind: 'bad'; reason: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hrefOf(links: unknown, rel: string): string | null {
  if (!isRecord(links)) return null;
  const link = links[rel];
  return isRecord(link) && typeof link.href === 'string' && link.href !== '' ? link.href : null;
}

/** `download-http` first for an http:// server (`download` is the https link on a real hawkBit). */
function downloadHref(artifact: DdiArtifact, preferHttp: boolean): string | null {
  const https = hrefOf(artifact._links, 'download');
  const http = hrefOf(artifact._links, 'download-http');
  return preferHttp ? (http ?? https) : (https ?? http);
}

export function readDeploymentBase(
  body: unknown,
  preferHttp: boolean,
  headers: Record<string, string>,
): DeploymentRead {
  if (!isRecord(body) || !isRecord(body.deployment) || typeof body.id !== 'string')
    return { kind: 'bad', reason: 'bad_response' };
  const base = body as unknown as DdiDeploymentBase;
  const dep = base.deployment;
  if (dep.download === 'skip') return { kind: 'skip' };
  const chunks = Array.isArray(dep.chunks) ? dep.chunks : [];
  for (const chunk of chunks) {
    const artifact = (chunk.artifacts ?? []).find((a) => downloadHref(a, preferHttp) !== null);
    if (artifact === undefined) continue;
    const sha256 = artifact.hashes?.sha256;
    return {
      kind: 'offer',
      deployment: {
        id: base.id,
        version: typeof chunk.version === 'string' ? chunk.version : base.id,
        url: downloadHref(artifact, preferHttp) as string,
        sizeBytes: typeof artifact.size === 'number' ? artifact.size : null,
        sha256: typeof sha256 === 'string' && /^[0-9a-f]{64}$/i.test(sha256) ? sha256.toLowerCase() : null,
        headers,
        installAllowed: dep.update !== 'skip' && dep.maintenanceWindow !== 'unavailable',
      },
    };
  }
  return { kind: 'bad', reason: 'no_artifact' };
}

export { hrefOf, isRecord };
