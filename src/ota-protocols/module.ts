// What a protocol module gives the registry (src/ota-protocols/registry.ts): the device-side
// client for live mode, the embedded backend's routes (and broker-side services), and the
// request pattern virtual mode models. A protocol is one folder plus one registry line.
import type { BrokerServiceFactory, HttpRoute } from '../backend/types.js';
import type { DeviceInbox } from '../live/mqtt-side.js';
import type { OtaAgentConfig } from '../scenario/types.js';
import type { HttpTransportOptions } from '../transports/http/index.js';
import type { QoS } from '../transports/mqtt/index.js';
import type {
  DeploymentDesk,
  OtaAgentClient,
  OtaEndpoint,
  OtaObserve,
  OtaProtocolName,
  OtaRequestPattern,
} from './types.js';

/** The devices' own MQTT sessions (live mode's LiveMqtt), for protocols that talk over MQTT. */
export interface OtaMqttSide {
  addInbox(inbox: DeviceInbox): void;
  deviceSubscribe(id: number, filters: string | readonly string[], qos: QoS, token: number): boolean;
  devicePublish(id: number, topic: string, payload: Buffer, qos: QoS, token?: number): boolean;
}

/** What a live client is built from (one client per device type). */
export interface OtaClientOptions {
  /** The update server's HTTP origin (`target.http`, or the embedded backend's); null when none. */
  baseUrl: string | null;
  /** `--resolve`, `target.limits`, `target.tls`: as the fleetstorm client uses them. */
  transport: Omit<HttpTransportOptions, 'baseUrl' | 'clock'>;
  /** Real monotonic time, µs. */
  clockUs: () => number;
  deviceType: string;
  /** The device type's OTA agent settings (`ota.mender` etc. resolved inside). */
  ota: OtaAgentConfig;
  /** Count every request (endpoint, ok, latency): the report's per-endpoint breakdown. */
  observe: OtaObserve;
  /** The devices' MQTT sessions (AWS IoT Jobs); null when the protocol does not need them. */
  mqtt: OtaMqttSide | null;
  /** The server pushed news to the device on connection `conn` (Jobs notify-next): check now. */
  wake?: (conn: number) => void;
}

/** What the embedded backend's routes for a protocol are built from. */
export interface OtaServerOptions {
  desk: DeploymentDesk;
  /** Real wall-clock time, ms (JWT expiry, timestamps in answers). */
  nowMs: () => number;
}

export interface OtaProtocolModule {
  name: OtaProtocolName;
  /** The real endpoint behind each role this protocol uses (`GET /api/devices/v1/.../next`). */
  endpoints: Partial<Record<OtaEndpoint, string>>;
  /** The requests the protocol makes, for virtual mode (from the device type's settings). */
  pattern(ota: OtaAgentConfig): OtaRequestPattern;
  client(o: OtaClientOptions): OtaAgentClient;
  /** The embedded backend's side of the conversation over HTTP. */
  routes?(o: OtaServerOptions): HttpRoute[];
  /** The embedded backend's side over MQTT (AWS IoT Jobs). */
  broker?(o: OtaServerOptions): BrokerServiceFactory;
}
