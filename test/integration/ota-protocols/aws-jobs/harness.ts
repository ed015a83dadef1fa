// Test peers for the AWS IoT Jobs protocol: the embedded backend with the jobs service on its
// broker (every $aws message in both directions recorded at the service's edge, for the schema
// checks), a small DeploymentDesk with one deployment and switchable targets and cancellations,
// and a fleet MQTT session (the lean pool) that hands CONNACKs, SUBACKs and messages to the jobs
// client's inbox as LiveMqtt does.
import { startEmbeddedBackend } from '../../../../src/backend/embedded.js';
import type { BrokerServiceFactory } from '../../../../src/backend/types.js';
import { wallClockMs } from '../../../../src/clock/real-clock.js';
import { awsJobsBrokerService } from '../../../../src/ota-protocols/aws-jobs/broker-service.js';
import type { JobsMqttLink } from '../../../../src/ota-protocols/aws-jobs/device-inbox.js';
import type { AwsJobsService } from '../../../../src/ota-protocols/aws-jobs/service.js';
import type { DeploymentDesk, DeskDeployment, DeskDeviceState } from '../../../../src/ota-protocols/types.js';
import type { DeviceInbox } from '../../../../src/live/mqtt-side.js';
import { schemaForTopic } from '../../../fixtures/specs/aws-iot-jobs/jobs-mqtt.js';
import {
  MqttConnectionPool,
  PUBLISH_RESULT,
  type CloseReason,
  type MqttHandler,
  type QoS,
} from '../../../../src/transports/mqtt/index.js';

export interface SeenMessage {
  topic: string;
  payload: string;
  fromDevice: boolean;
}

export class DeskStub implements DeploymentDesk {
  deployment: DeskDeployment | null = null;
  readonly targets = new Set<string>();
  readonly cancelledFor = new Set<string>();
  readonly reports: { deviceId: string; deploymentId: string; state: DeskDeviceState; detail?: string }[] =
    [];
  nextCalls = 0;

  next(dev: { id: string; deviceType: string; version: string }): DeskDeployment | null {
    this.nextCalls++;
    const d = this.deployment;
    if (!d || !this.targets.has(dev.id) || this.cancelledFor.has(dev.id) || dev.version === d.version)
      return null;
    return d;
  }
  report(
    deviceId: string,
    deploymentId: string,
    state: DeskDeviceState,
    detail?: string,
  ): 'ok' | 'aborted' | 'unknown' {
    this.reports.push({ deviceId, deploymentId, state, ...(detail ? { detail } : {}) });
    return this.cancelledFor.has(deviceId) ? 'aborted' : 'ok';
  }
  cancelled(deviceId: string): boolean {
    return this.cancelledFor.has(deviceId);
  }
  states(): Record<string, Record<DeskDeviceState, number>> {
    return {};
  }
  statesOf(deviceId: string): DeskDeviceState[] {
    return this.reports.filter((r) => r.deviceId === deviceId).map((r) => r.state);
  }
}

export interface JobsBroker {
  url: string;
  /** Null for a broker without the jobs service (nobody answers). */
  service: AwsJobsService | null;
  seen: SeenMessage[];
  close(): Promise<void>;
}

/** Records what crosses the service's edge: devices' PUBLISHes in, the service's publishes out. */
export function recorded(inner: BrokerServiceFactory, seen: SeenMessage[]): BrokerServiceFactory {
  return (side) => {
    const svc = inner({
      publish: (topic, payload, qos, retain) => {
        seen.push({ topic, payload: payload.toString(), fromDevice: false });
        return side.publish(topic, payload, qos, retain);
      },
    });
    return {
      ...svc,
      published: (clientId, topic, payload) => {
        if (topic.startsWith('$aws/')) seen.push({ topic, payload: payload.toString(), fromDevice: true });
        svc.published?.(clientId, topic, payload);
      },
    };
  };
}

export async function startJobsBroker(
  desk: DeploymentDesk,
  opts: { tickMs?: number; minuteMs?: number; withService?: boolean; imageBaseUrl?: string } = {},
): Promise<JobsBroker> {
  const seen: SeenMessage[] = [];
  let service: AwsJobsService | null = null;
  const factory = awsJobsBrokerService({
    desk,
    nowMs: wallClockMs,
    imageBaseUrl: opts.imageBaseUrl ?? 'http://127.0.0.1:9/',
    tickMs: opts.tickMs ?? 20,
    minuteMs: opts.minuteMs ?? 60_000,
    onService: (s) => (service = s),
  });
  const backend = await startEmbeddedBackend({
    host: '127.0.0.1',
    mqttPort: 0,
    httpPort: 0,
    brokerServices: opts.withService === false ? [] : [recorded(factory, seen)],
  });
  return { url: backend.mqttUrl, service, seen, close: () => backend.close() };
}

/** The fleet's MQTT session as LiveMqtt gives it to inboxes. */
export class FleetSession implements MqttHandler, JobsMqttLink {
  readonly pool: MqttConnectionPool;
  inbox: DeviceInbox | null = null;
  connacks = 0;
  closes: { id: number; reason: CloseReason }[] = [];
  private waiters: (() => void)[] = [];

  constructor() {
    this.pool = new MqttConnectionPool({ handler: this, protocolVersion: 4 });
  }

  onConnack(id: number, ok: boolean, _code: number, _latencyUs: number, sessionPresent: boolean): void {
    if (ok) {
      this.connacks++;
      this.inbox?.connected(id, sessionPresent);
    }
    this.wake();
  }
  onPublishAck(): void {}
  onSubAck(id: number, token: number, granted: number): void {
    this.inbox?.subscribed?.(id, token, granted);
  }
  onMessage(id: number, topic: string, payload: Buffer, qos: QoS): void {
    this.inbox?.message(id, topic, payload, qos);
  }
  onClose(id: number, reason: CloseReason): void {
    this.closes.push({ id, reason });
    this.wake();
  }

  deviceSubscribe(id: number, filters: readonly string[], qos: QoS, token: number): boolean {
    return this.pool.subscribe(id, filters, qos, token) === PUBLISH_RESULT.sent;
  }
  devicePublish(id: number, topic: string, payload: Buffer, qos: QoS, token = -16): boolean {
    return this.pool.publish(id, topic, payload, qos, token) === PUBLISH_RESULT.sent;
  }

  /** Connects device `id` as thing `thing` and waits for its CONNACK. */
  async connect(url: string, id: number, thing: string): Promise<void> {
    const before = this.connacks;
    this.pool.connect(id, url, { clientId: thing, keepaliveSec: 30 });
    await until(() => this.connacks > before, `CONNACK of ${thing}`);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Polls `check` every 5 ms until it holds; rejects after `timeoutMs` (a bound, not a measurement). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every recorded message held against the documented schema of its topic: the problems found. */
export function schemaProblems(broker: { seen: readonly SeenMessage[] }): string[] {
  const problems: string[] = [];
  for (const m of broker.seen) {
    const schema = schemaForTopic(m.topic);
    if (!schema) {
      problems.push(`no schema for ${m.topic}`);
      continue;
    }
    const r = schema.safeParse(JSON.parse(m.payload));
    if (!r.success) problems.push(`${m.topic}: ${r.error.message}`);
  }
  return problems;
}
