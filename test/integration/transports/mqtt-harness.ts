// Test harness for the lean MQTT pool: a handler that records every callback and lets a test
// await a condition, and an independent MQTT.js subscriber that counts what really arrived.
import mqtt, { type MqttClient } from 'mqtt';
import type {
  CloseReason,
  MqttHandler,
  PublishFailReason,
  PublishProperties,
  QoS,
} from '../../../src/transports/mqtt/index.js';

export interface Connack {
  id: number;
  ok: boolean;
  code: number;
  latencyUs: number;
  sessionPresent: boolean;
}

export class RecordingHandler implements MqttHandler {
  connacks: Connack[] = [];
  acks: { id: number; token: number; latencyUs: number }[] = [];
  fails: { id: number; token: number; reason: PublishFailReason; code: number }[] = [];
  resent: { id: number; token: number }[] = [];
  subacks: { id: number; token: number; granted: number }[] = [];
  messages: {
    id: number;
    topic: string;
    payload: string;
    qos: QoS;
    props?: PublishProperties | undefined;
  }[] = [];
  closes: { id: number; reason: CloseReason; code: number }[] = [];
  private waiters: (() => void)[] = [];

  onConnack(id: number, ok: boolean, code: number, latencyUs: number, sessionPresent: boolean): void {
    this.connacks.push({ id, ok, code, latencyUs, sessionPresent });
    this.wake();
  }
  onPublishAck(id: number, token: number, latencyUs: number): void {
    this.acks.push({ id, token, latencyUs });
    this.wake();
  }
  onPublishFail(id: number, token: number, reason: PublishFailReason, code: number): void {
    this.fails.push({ id, token, reason, code });
    this.wake();
  }
  onPublishResent(id: number, token: number): void {
    this.resent.push({ id, token });
    this.wake();
  }
  onSubAck(id: number, token: number, granted: number): void {
    this.subacks.push({ id, token, granted });
    this.wake();
  }
  onMessage(id: number, topic: string, payload: Buffer, qos: QoS, props?: PublishProperties): void {
    this.messages.push({ id, topic, payload: payload.toString(), qos, props });
    this.wake();
  }
  onClose(id: number, reason: CloseReason, code: number): void {
    this.closes.push({ id, reason, code });
    this.wake();
  }

  /** Resolves once `check` holds (checked after every callback), or rejects after timeoutMs. */
  until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

export interface CountingSubscriber {
  client: MqttClient;
  received: { topic: string; payload: string }[];
  close(): Promise<void>;
}

/** An MQTT.js client subscribed to `topic` (QoS 2) that records everything delivered. */
export async function countingSubscriber(
  url: string,
  topic: string,
  protocolVersion: 4 | 5 = 4,
): Promise<CountingSubscriber> {
  const client = await mqtt.connectAsync(url, {
    protocolVersion,
    reconnectPeriod: 0,
    clientId: `sub-${process.pid}-${topic}`,
  });
  const received: { topic: string; payload: string }[] = [];
  client.on('message', (t, payload) => received.push({ topic: t, payload: payload.toString() }));
  await client.subscribeAsync(topic, { qos: 2 });
  return { client, received, close: () => client.endAsync(true) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
