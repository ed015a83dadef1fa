// The lean MQTT transport: public surface for the live driver.
export { MqttConnectionPool } from './pool.js';
export { parseMqttUrl, assertMqttReachable } from './target.js';
export { CONNECT_FAILURE, PUBLISH_RESULT } from './types.js';
export type {
  CloseReason,
  ConnectOptions,
  MqttHandler,
  MqttPoolOptions,
  MqttPoolStats,
  MqttProtocolVersion,
  MqttTarget,
  PublishFailReason,
  PublishProperties,
  PublishResult,
  QoS,
} from './types.js';
