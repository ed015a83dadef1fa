// The two clients compared by bench/live-mqtt.ts behind one small interface: fleetstorm's lean
// pool, and one MQTT.js client per device (the baseline).
import net from 'node:net';
import { MqttClient } from 'mqtt';
import { monotonicUs } from '../../src/clock/real-clock.js';
import { MqttConnectionPool, PUBLISH_RESULT } from '../../src/transports/mqtt/index.js';

export interface BenchEvents {
  connected(latencyUs: number): void;
  connectFailed(): void;
  acked(latencyUs: number): void;
  publishFailed(): void;
  /** A connection closed that we did not close. */
  lost(): void;
}

export interface BenchClient {
  connect(index: number): void;
  /** Returns false when the publish could not even be sent (window full, not connected). */
  publish(index: number, token: number, intendedUs: number): boolean;
  closeAll(): Promise<void>;
}

export interface BenchTarget {
  host: string;
  port: number;
  localAddresses: string[];
  keepaliveSec: number;
  payload: Buffer;
}

const topicOf = (index: number): string => `fleet/${index}/telemetry`;

export function leanClient(target: BenchTarget, events: BenchEvents, maxInFlight = 64): BenchClient {
  let closing = false;
  const pool = new MqttConnectionPool({
    protocolVersion: 4,
    maxInFlight,
    localAddresses: target.localAddresses,
    connectTimeoutMs: 60_000,
    handler: {
      onConnack: (_id, ok, _code, latencyUs) => (ok ? events.connected(latencyUs) : events.connectFailed()),
      onPublishAck: (_id, _token, latencyUs) => events.acked(latencyUs),
      onPublishFail: () => events.publishFailed(),
      onMessage: () => undefined,
      onClose: () => {
        if (!closing) events.lost();
      },
    },
  });
  const url = { host: target.host, port: target.port, tls: false };
  return {
    connect: (index) =>
      pool.connect(index, url, {
        clientId: `lean-${index}`,
        keepaliveSec: target.keepaliveSec,
        intendedUs: monotonicUs(),
      }),
    publish: (index, token, intendedUs) =>
      pool.publish(index, topicOf(index), target.payload, 1, token, intendedUs) === PUBLISH_RESULT.sent,
    closeAll: async () => {
      closing = true;
      pool.close();
    },
  };
}

export function mqttjsClient(target: BenchTarget, events: BenchEvents): BenchClient {
  const clients: MqttClient[] = [];
  let closing = false;
  let next = 0;
  return {
    connect(index) {
      const localAddress = target.localAddresses[next++ % Math.max(1, target.localAddresses.length)];
      const startUs = monotonicUs();
      const client = new MqttClient(
        () =>
          // Same socket options as the lean pool (MQTT.js's own builder leaves Nagle on).
          net.createConnection({
            host: target.host,
            port: target.port,
            noDelay: true,
            ...(localAddress ? { localAddress } : {}),
          }),
        {
          clientId: `mqttjs-${index}`,
          keepalive: target.keepaliveSec,
          clean: true,
          reconnectPeriod: 0,
          connectTimeout: 60_000,
          protocolVersion: 4,
        },
      );
      clients[index] = client;
      client.once('connect', () => events.connected(monotonicUs() - startUs));
      client.on('error', () => events.connectFailed());
      client.on('close', () => {
        if (!closing) events.lost();
      });
    },
    publish(index, _token, intendedUs) {
      const client = clients[index];
      if (client === undefined || !client.connected) return false;
      client.publish(topicOf(index), target.payload, { qos: 1 }, (err) => {
        if (err) events.publishFailed();
        else events.acked(monotonicUs() - intendedUs);
      });
      return true;
    },
    async closeAll() {
      closing = true;
      await Promise.all(clients.map((c) => c.endAsync(true)));
    },
  };
}
