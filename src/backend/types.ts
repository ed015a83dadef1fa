// Public types of the embedded backend: an aedes broker and a node:http OTA/check-in server
// that stand in for the system under test (DESIGN §2), with switchable backend faults (§5).
import type http from 'node:http';
import type { Timers } from '../clock/real-clock.js';
import type { ConnectLimitOptions } from './connect-limit.js';

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
  /** Routes of update protocols, matched before the built-in API (src/ota-protocols/registry.ts). */
  routes?: readonly HttpRoute[];
  /** Services on the broker's side (AWS IoT Jobs). */
  brokerServices?: readonly BrokerServiceFactory[];
  /**
   * A modelled accept capacity (connect rate, burst, queue, max sessions), so the broker stands
   * in for one with known limits (`fleetstorm calibrate` is tested against it). Default: none.
   */
  connectLimit?: ConnectLimitOptions;
}

/** Backend-side faults, switched at run time (DESIGN §5). */
export interface BackendFaults {
  /** Drop every MQTT session and HTTP connection, refuse new ones (RST / 503) for the duration. */
  outage(durationMs: number): void;
  /** Ends an outage early. */
  endOutage(): void;
  /**
   * An outage of some brokers alone (0-based, in `target.mqtt` order): their MQTT connections
   * are reset and refused while `on`; the other brokers and HTTP are untouched. Absent: the
   * backend is one broker (the embedded one), and such an outage is refused before the run.
   */
  brokerOutage?(brokers: readonly number[], on: boolean): void;
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
    /** Broker-side services' requests per endpoint (AWS IoT Jobs: `jobs start-next`, ...). */
    endpoints?: Record<string, EndpointStat>;
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
    /** Per endpoint (mounted route names, `checkin`, `status`, `firmware`, `other`). */
    endpoints: Record<string, EndpointStat>;
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

/**
 * A route mounted on the embedded HTTP API (an update protocol's server side). Mounted routes
 * are matched before the built-in ones, in the order given; each is measured by its `name`.
 */
export interface HttpRoute {
  /** The endpoint as the server-side measurements name it (`mender next`, `fleetstorm checkin`). */
  name: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Matched against the path (no query); the captures go to `handle`, URI-decoded. */
  pattern: RegExp;
  handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    params: readonly string[],
    url: URL,
  ): Promise<void> | void;
}

/** What a broker-side service may do: publish as the server (AWS IoT Jobs notifications). */
export interface BrokerSide {
  publish(topic: string, payload: Buffer, qos: 0 | 1, retain?: boolean): Promise<void>;
}

/** A service on the embedded broker's side (AWS IoT Jobs): it sees what clients publish. */
export interface BrokerService {
  /** A client's PUBLISH was accepted by the broker. */
  published?(clientId: string, topic: string, payload: Buffer): void;
  /** A client subscribed (after its SUBACK was decided). */
  subscribed?(clientId: string, filters: readonly string[]): void;
  /** A client's session ended. */
  disconnected?(clientId: string): void;
  /** The broker closes: stop timers. */
  close?(): void;
  /** Its requests per endpoint, measured as the HTTP routes are (the report's server view). */
  endpoints?(): Record<string, EndpointStat>;
}

export type BrokerServiceFactory = (side: BrokerSide) => BrokerService;

/** Server-side measurement of one endpoint (routes by name, plus the built-in API). */
export interface EndpointStat {
  requests: number;
  /** Answers with status ≥ 400 (503 in an outage included). */
  errors: number;
  /** Request start → response finished, real µs (log buckets, ≤ 5 % error). */
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
}
