// The Direct Device Integration (DDI) API of Eclipse hawkBit, as far as a device polls, downloads
// and reports: the shapes of test/fixtures/specs/hawkbit/ddi-openapi.json (DdiControllerBase,
// DdiDeploymentBase, DdiActionFeedback, DdiCancel, DdiConfigData) and the controller's paths.

export type DdiHandling = 'skip' | 'attempt' | 'forced';
export type DdiExecution =
  'closed' | 'proceeding' | 'canceled' | 'scheduled' | 'rejected' | 'resumed' | 'downloaded' | 'download';
export type DdiFinished = 'success' | 'failure' | 'none';

export interface DdiLink {
  href: string;
}

/** GET /{tenant}/controller/v1/{controllerId} */
export interface DdiControllerBase {
  config?: { polling?: { sleep?: string } };
  _links?: Partial<Record<'deploymentBase' | 'cancelAction' | 'configData' | 'installedBase', DdiLink>>;
}

export interface DdiArtifact {
  filename: string;
  hashes?: { sha1?: string; md5?: string; sha256?: string };
  size?: number;
  _links?: Partial<Record<'download' | 'download-http' | 'md5sum' | 'md5sum-http', DdiLink>>;
}

export interface DdiChunk {
  part: string;
  version: string;
  name: string;
  artifacts?: DdiArtifact[];
}

/** GET .../deploymentBase/{actionId} */
export interface DdiDeploymentBase {
  id: string;
  deployment: {
    download?: DdiHandling;
    update?: DdiHandling;
    maintenanceWindow?: 'available' | 'unavailable';
    chunks: DdiChunk[];
  };
}

/** GET .../cancelAction/{actionId} */
export interface DdiCancel {
  id?: string;
  cancelAction: { stopId: string };
}

/** POST .../deploymentBase/{actionId}/feedback and .../cancelAction/{actionId}/feedback */
export interface DdiActionFeedback {
  timestamp?: number;
  status: {
    execution: DdiExecution;
    result: { finished: DdiFinished; progress?: { cnt: number; of?: number } };
    code?: number;
    details?: string[];
  };
}

/** PUT .../configData */
export interface DdiConfigData {
  data: Record<string, string>;
  mode?: 'merge' | 'replace' | 'remove';
}

/** `/{tenant}/controller/v1/{controllerId}` with both parts escaped. */
export function controllerPath(tenant: string, controllerId: string): string {
  return `/${encodeURIComponent(tenant)}/controller/v1/${encodeURIComponent(controllerId)}`;
}
