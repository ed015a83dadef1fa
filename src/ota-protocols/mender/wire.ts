// The Mender device API v1 on the wire (mender-server backend/docs/api/*/devices_v1.yaml, kept
// as test fixtures in test/fixtures/specs/mender): paths, the endpoint names our counters use,
// and how the agent's report states map to Mender deployment statuses.
import type { DeskDeviceState, OtaEndpoint, OtaReportState } from '../types.js';

export const MENDER_PATHS = {
  auth: '/api/devices/v1/authentication/auth_requests',
  next: '/api/devices/v1/deployments/device/deployments/next',
  /** Newer clients ask here first (POST, `device_provides`) and fall back to v1 on 404. */
  nextV2: '/api/devices/v2/deployments/device/deployments/next',
  inventory: '/api/devices/v1/inventory/device/attributes',
} as const;

const DEPLOYMENT_PATH = /^\/api\/devices\/v1\/deployments\/device\/deployments\/([^/]+)\/(status|log)$/;

export function statusPath(deploymentId: string): string {
  return `/api/devices/v1/deployments/device/deployments/${encodeURIComponent(deploymentId)}/status`;
}

export function logPath(deploymentId: string): string {
  return `/api/devices/v1/deployments/device/deployments/${encodeURIComponent(deploymentId)}/log`;
}

/** `{id, kind}` of a status or log path, or null. */
export function parseDeploymentPath(path: string): { id: string; kind: 'status' | 'log' } | null {
  const m = DEPLOYMENT_PATH.exec(path);
  if (m === null) return null;
  return { id: decodeURIComponent(m[1] ?? ''), kind: m[2] === 'log' ? 'log' : 'status' };
}

/** One name per device endpoint: request counters and the virtual request pattern use these. */
export const MENDER_ENDPOINTS = ['auth', 'next', 'status', 'log', 'inventory'] as const;
export type MenderEndpoint = (typeof MENDER_ENDPOINTS)[number];

/** The role of each endpoint in the report's per-endpoint OTA load (`ota_requests_total{endpoint}`). */
export const ROLE_OF: Readonly<Record<MenderEndpoint, OtaEndpoint>> = {
  auth: 'auth',
  next: 'check',
  status: 'report',
  log: 'log',
  inventory: 'inventory',
};

/** The real endpoint behind each role (OtaProtocolModule.endpoints). */
export const MENDER_ROLE_PATHS: Readonly<Partial<Record<OtaEndpoint, string>>> = {
  auth: 'POST /api/devices/v1/authentication/auth_requests',
  check: 'GET /api/devices/v1/deployments/device/deployments/next',
  report: 'PUT /api/devices/v1/deployments/device/deployments/{id}/status',
  log: 'PUT /api/devices/v1/deployments/device/deployments/{id}/log',
  inventory: 'PUT /api/devices/v1/inventory/device/attributes',
  download: 'GET artifact.source.uri',
};

/** Deployment statuses of `PUT .../{id}/status` (DeploymentStatus.status in the spec). */
export const MENDER_STATUSES = [
  'installing',
  'pause_before_installing',
  'downloading',
  'pause_before_rebooting',
  'rebooting',
  'pause_before_committing',
  'success',
  'failure',
  'already-installed',
] as const;
export type MenderStatus = (typeof MENDER_STATUSES)[number];

/**
 * The statuses a report state is sent as, in order, as Debian's mender-client 3.4 sends them
 * (test/fixtures/specs/mender/real-client-notes.md): `downloading` three times (fetch, store,
 * after store: the last two when the image is in), and before `success` an `installing` again,
 * the pre-commit report that learns whether the server aborted meanwhile (409). No client sends
 * a `downloaded` status.
 */
export function menderStatusesOf(state: OtaReportState): readonly MenderStatus[] {
  switch (state) {
    case 'downloading':
      return ['downloading'];
    case 'downloaded':
      return ['downloading', 'downloading'];
    case 'success':
      return ['installing', 'success'];
    case 'installing':
    case 'rebooting':
    case 'failure':
    case 'already-installed':
      return [state];
  }
}

/** The server's view of a reported status; null for the pause states (no change of state). */
export function deskStateOf(status: MenderStatus): DeskDeviceState | null {
  switch (status) {
    case 'pause_before_installing':
    case 'pause_before_rebooting':
    case 'pause_before_committing':
      return null;
    default:
      return status;
  }
}

export function isMenderStatus(value: unknown): value is MenderStatus {
  return typeof value === 'string' && (MENDER_STATUSES as readonly string[]).includes(value);
}

/** DeploymentInstructions (200 of `next`), the fields a device reads. */
export interface MenderDeploymentInstructions {
  id: string;
  artifact: {
    artifact_name: string;
    source: { uri: string; expire?: string };
    device_types_compatible: string[];
    id?: string;
  };
}

/** `{name, value}` of the inventory's ListOfAttributes. */
export interface MenderAttribute {
  name: string;
  value: string | number | string[] | number[];
  description?: string;
}
