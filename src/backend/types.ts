// Public types of the embedded backend: an aedes broker and a node:http OTA/check-in server
// that stand in for the system under test (DESIGN §2), with switchable backend faults (§5).
import type { Timers } from '../clock/real-clock.js';

/** A firmware offer made at check-in. */
export interface FirmwareOffer {
  version: string;
  sizeBytes: number;
  /** Defaults to the image's real digest; a different value simulates a corrupt image. */
  sha256?: string;
}

/** The offer as sent to the device: always with a digest and a download path. */
export interface OfferBody {
  version: string;
  sizeBytes: number;
  sha256: string;
  /** Path on the HTTP server, e.g. `/v1/firmware/2.1.0`. */
  url: string;
}

export interface CheckinRequest {
  deviceId: string;
  deviceType: string;
  version: string;
}

export interface StatusReport {
  deviceId: string;
  state: string;
  version?: string;
  detail?: string;
}

export type OfferFor = (deviceId: string, deviceType: string, version: string) => FirmwareOffer | null;

export interface EmbeddedBackendOptions {
  host?: string;
  /** 0 picks a free port. */
  mqttPort?: number;
  httpPort?: number;
  /** Rollout decision (src/backend/campaign.ts or a test stub); no offers when absent. */
  offerFor?: OfferFor;
  /** Device status reports, e.g. to feed campaign wave counts. */
  onStatus?: (report: StatusReport) => void;
  /** Images served without an offer first (otherwise offers register their image). */
  firmware?: readonly { version: string; sizeBytes: number }[];
  /** The unit `slow(factor)` multiplies: responses wait (factor − 1) × slowUnitMs. Default 20. */
  slowUnitMs?: number;
  /** Real timers by default. */
  timers?: Timers;
}

/** Backend-side faults, switched at run time (DESIGN §5). */
export interface BackendFaults {
  /** Drop every MQTT session and HTTP connection, refuse new ones (RST / 503) for the duration. */
  outage(durationMs: number): void;
  /** Ends an outage early. */
  endOutage(): void;
  /** Delay CONNACK, PUBACK and HTTP responses by (factor − 1) × slowUnitMs; 1 turns it off. */
  slow(factor: number): void;
  /**
   * Refuse new MQTT sessions (CONNACK 3 "server unavailable" in 3.1.1; reasonCode, default 0x9F
   * "connection rate exceeded", in 5) and answer HTTP with 503.
   */
  reject(on: boolean, reasonCode?: number): void;
}

export interface BackendStats {
  mqtt: {
    sessions: number;
    connects: number;
    rejected: number;
    refusedInOutage: number;
    dropped: number;
    publishes: number;
  };
  http: {
    requests: number;
    checkins: number;
    offers: number;
    statuses: number;
    firmwareRequests: number;
    rangeRequests: number;
    firmwareBytesSent: number;
    unavailable: number;
  };
  outage: boolean;
  slowFactor: number;
  rejecting: boolean;
}

export interface EmbeddedBackend {
  mqttUrl: string;
  httpUrl: string;
  mqttPort: number;
  httpPort: number;
  faults: BackendFaults;
  stats(): BackendStats;
  close(): Promise<void>;
}
