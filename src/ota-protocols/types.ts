// The seam between the device's OTA agent (one state machine: check, download with resume,
// verify, install to the inactive slot, reboot, commit or roll back) and the update server it
// talks to. Only the conversation changes per protocol:
//   fleetstorm    POST /v1/checkin, POST /v1/status (the embedded backend's own API)
//   mender        Mender device API v1 (auth requests, deployments/next, status PUTs, inventory)
//   hawkbit-ddi   Eclipse hawkBit Direct Device Integration (poll, deploymentBase, feedback)
//   aws-iot-jobs  AWS IoT Jobs over the device's MQTT session (notify-next, start-next, update)
// Device side: an OtaAgentClient per protocol, shared by the fleet (per-device state inside it
// is keyed by the device's id). Server side: the embedded backend's routes for each protocol
// read and write one DeploymentDesk, driven by the same campaign logic (waves, failure limit,
// pause/abort) in every protocol.

export const OTA_PROTOCOLS = ['fleetstorm', 'mender', 'hawkbit-ddi', 'aws-iot-jobs'] as const;
export type OtaProtocolName = (typeof OTA_PROTOCOLS)[number];

/** What the server sees of the asking device. */
export interface OtaDeviceFacts {
  /** The device's id as the backend knows it (identity template result, e.g. `sensor-000042`). */
  id: string;
  /** The device's place in the run (0..devices-1): a key for per-device client state. */
  index: number;
  /** The device's connection id in this process (LiveMqtt's id, for protocols over MQTT); live mode sets it. */
  conn?: number;
  deviceType: string;
  /** Installed firmware version (Mender: artifact name). */
  version: string;
}

/** A deployment the server assigned to a device. */
export interface OtaDeployment {
  /** The server's handle: Mender deployment id, hawkBit action id, Jobs job id. */
  id: string;
  /** Firmware version (artifact name) it installs. */
  version: string;
  /** Absolute URL of the image. */
  url: string;
  /** Null when the protocol does not say (the download then learns it from Content-Length). */
  sizeBytes: number | null;
  /** Hex SHA-256 to verify, or null when the protocol gives none. */
  sha256: string | null;
  /** Extra headers for the download (hawkBit's `Authorization: TargetToken …`). */
  headers?: Record<string, string>;
  /** hawkBit `update: skip` / outside the maintenance window: download now, install later. */
  installAllowed?: boolean;
}

export type OtaCheckAnswer =
  /** Nothing for this device now; `nextPollMs` when the server says when to ask again. */
  | { kind: 'none'; nextPollMs?: number }
  | { kind: 'offer'; deployment: OtaDeployment; nextPollMs?: number }
  /** The server cancelled the deployment the device is working on (hawkBit cancelAction, Jobs CANCELED). */
  | { kind: 'cancel'; deploymentId: string }
  /** The exchange failed (HTTP error, timeout, authentication refused); `reason` is a metric label. */
  | { kind: 'failed'; reason: string };

/** The states a device reports on a deployment, in the order it goes through them. */
export type OtaReportState =
  'downloading' | 'downloaded' | 'installing' | 'rebooting' | 'success' | 'failure' | 'already-installed';

/** `aborted`: the server ended the deployment (Mender 409, hawkBit cancel, Jobs CANCELED): stop. */
export type OtaReportAnswer = 'ok' | 'aborted' | 'failed';

/** The device side of one protocol, shared by the fleet. */
export interface OtaAgentClient {
  readonly protocol: OtaProtocolName;
  /**
   * Asks the server whether there is an update (authenticating first when the protocol needs to).
   * `working`: the deployment the device holds unfinished (a retry), so the server can cancel it.
   */
  check(dev: OtaDeviceFacts, working?: OtaDeployment | null): Promise<OtaCheckAnswer>;
  /** Reports a state of a deployment (`detail`: the failure's reason, a deployment log line). */
  report(
    dev: OtaDeviceFacts,
    dep: OtaDeployment,
    state: OtaReportState,
    detail?: string,
  ): Promise<OtaReportAnswer>;
  /** Traffic on boot besides the update check (Mender inventory, hawkBit configData, Jobs shadow). */
  booted?(dev: OtaDeviceFacts): Promise<void>;
  /** Power loss: what the device keeps in RAM only is gone (not what it keeps on flash). */
  powerLost?(dev: OtaDeviceFacts): void;
  close(): Promise<void>;
}

/** Device states a server tracks per deployment (its view of the fleet). */
export type DeskDeviceState =
  | 'pending'
  | 'downloading'
  | 'downloaded'
  | 'installing'
  | 'rebooting'
  | 'success'
  | 'failure'
  | 'already-installed'
  | 'aborted';

/** A deployment as the server hands it out: the image is served by the embedded HTTP API. */
export interface DeskDeployment {
  id: string;
  version: string;
  sizeBytes: number;
  sha256: string;
  /** Path of the image on the embedded HTTP API (`/v1/firmware/2.1.0`). */
  path: string;
}

/**
 * The embedded backend's deployments, shared by every protocol's routes: which device gets
 * which deployment now (the campaign's waves, failure limit, pause/abort), what each device
 * reported, and the server's view of devices per state.
 */
export interface DeploymentDesk {
  /** The deployment for this device now, or null (not targeted, wave not started, paused, already on it). */
  next(dev: { id: string; deviceType: string; version: string }): DeskDeployment | null;
  /** A device's report; `aborted` when the deployment was cancelled for it (Mender answers 409). */
  report(
    deviceId: string,
    deploymentId: string,
    state: DeskDeviceState,
    detail?: string,
  ): 'ok' | 'aborted' | 'unknown';
  /** True once the server cancelled this device's deployment (hawkBit cancelAction, Jobs CANCELED). */
  cancelled(deviceId: string, deploymentId: string): boolean;
  /** Devices per state for each deployment (the server's view, for the report). */
  states(): Record<string, Record<DeskDeviceState, number>>;
}

// ---------------------------------------------------------------------------------------------
// Request pattern, endpoints and the factories a protocol module gives the registry.

/**
 * What a request does in the conversation, whatever the protocol calls it: the report breaks
 * OTA load down per role (`ota_requests_total{endpoint="check"}`), and each protocol names the
 * real endpoint behind a role (`OtaProtocolModule.endpoints`).
 */
export const OTA_ENDPOINTS = [
  'auth',
  'check',
  'deployment',
  'report',
  'inventory',
  'log',
  'cancel',
  'download',
] as const;
export type OtaEndpoint = (typeof OTA_ENDPOINTS)[number];

/** Requests per occasion, by endpoint (fractions allowed: Mender's inventory every 16th poll is 1/16). */
export type OtaRequestCounts = Partial<Record<OtaEndpoint, number>>;

/**
 * The requests a protocol makes, as virtual mode models them on the backend's API queue (or on
 * the broker's ingest queue for `transport: 'mqtt'`), and counts them per endpoint.
 */
export interface OtaRequestPattern {
  /** Per update check (a poll with nothing new included). */
  perCheck: OtaRequestCounts;
  /** Per status report the device sends. */
  perReport: OtaRequestCounts;
  /** Per boot of the device (inventory, configData, shadow update). */
  perBoot: OtaRequestCounts;
  /** Per offer received, on top of the check (hawkBit's deploymentBase GET). Absent: none. */
  perOffer?: OtaRequestCounts;
  /** The states the protocol reports (others are not sent). */
  reports: readonly OtaReportState[];
  /** The protocol's own poll period (Mender 1800 s, hawkBit `polling.sleep`); null: `ota.check-interval`. */
  pollIntervalUs: number | null;
  /** `mqtt`: requests travel as messages on the device's MQTT session (AWS IoT Jobs). */
  transport: 'http' | 'mqtt';
}

/** Every state a device goes through, reported (fleetstorm, Mender). */
export const ALL_REPORT_STATES: readonly OtaReportState[] = [
  'downloading',
  'downloaded',
  'installing',
  'rebooting',
  'success',
  'failure',
  'already-installed',
];

/** One request observed by a client (live mode counts it per endpoint). */
export type OtaObserve = (endpoint: OtaEndpoint, ok: boolean, latencyUs: number) => void;
