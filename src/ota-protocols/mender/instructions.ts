// Reads DeploymentInstructions (the 200 of `deployments/next`) into the agent's deployment. The
// artifact's URI is usually absolute (a signed storage link); a relative one resolves against
// the server. Mender states neither the size nor a digest here.
import type { OtaDeployment } from '../types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readInstructions(body: string, base: URL): OtaDeployment | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.id !== 'string' || !isObject(value.artifact)) return null;
  const artifact = value.artifact;
  const source = artifact.source;
  if (typeof artifact.artifact_name !== 'string' || !isObject(source) || typeof source.uri !== 'string')
    return null;
  let url: string;
  try {
    url = new URL(source.uri, base).toString();
  } catch {
    return null;
  }
  return { id: value.id, version: artifact.artifact_name, url, sizeBytes: null, sha256: null };
}
