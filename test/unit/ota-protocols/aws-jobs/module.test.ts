// The Jobs protocol module as the registry hands it out: its request pattern for virtual mode,
// its client on the devices' MQTT sessions (the thing-name template, the inbox registered, the
// subscriptions at CONNACK) and the client of a device type without MQTT sessions.
import { describe, expect, it } from 'vitest';
import { protocolOf } from '../../../../src/ota-protocols/registry.js';
import type { OtaClientOptions, OtaMqttSide } from '../../../../src/ota-protocols/module.js';
import type { DeviceInbox } from '../../../../src/live/mqtt-side.js';
import { sampleScenario } from '../../../helpers/sample-scenario.js';

const ota = {
  ...(Object.values(sampleScenario().deviceTypes)[0]?.ota as OtaClientOptions['ota']),
  protocol: 'aws-iot-jobs' as const,
  awsJobs: { thingName: 'thing-{index:06}', stepTimeoutMinutes: 30, replyTimeoutMs: 5000 },
};

/** The devices' MQTT sessions, recorded: what the client subscribes and publishes. */
class RecordedSessions implements OtaMqttSide {
  inboxes: DeviceInbox[] = [];
  subscribes: { id: number; filters: readonly string[] }[] = [];
  publishes: { id: number; topic: string; body: unknown }[] = [];
  addInbox(inbox: DeviceInbox): void {
    this.inboxes.push(inbox);
  }
  deviceSubscribe(id: number, filters: string | readonly string[]): boolean {
    this.subscribes.push({ id, filters: typeof filters === 'string' ? [filters] : filters });
    return true;
  }
  devicePublish(id: number, topic: string, payload: Buffer): boolean {
    this.publishes.push({ id, topic, body: JSON.parse(payload.toString()) });
    return true;
  }
}

function options(mqtt: OtaMqttSide | null): OtaClientOptions {
  return {
    baseUrl: 'http://127.0.0.1:9',
    transport: {},
    clockUs: () => 0,
    deviceType: 'sensor',
    ota,
    observe: () => {},
    mqtt,
  };
}

describe('the aws-iot-jobs protocol module', () => {
  const jobs = protocolOf('aws-iot-jobs', 'test');

  it('models one start-next per check, one update per report and one shadow update per boot, over MQTT', () => {
    expect(jobs.pattern(ota)).toMatchObject({
      perCheck: { check: 1 },
      perReport: { report: 1 },
      perBoot: { inventory: 1 },
      pollIntervalUs: null,
      transport: 'mqtt',
    });
    expect(jobs.endpoints.check).toBe('MQTT $aws/things/{thing}/jobs/start-next');
    expect(jobs.broker).toBeTypeOf('function');
  });

  it('talks over the devices’ sessions under the thing-name template, and subscribes again at each CONNACK', async () => {
    const mqtt = new RecordedSessions();
    const client = jobs.client(options(mqtt));
    expect(mqtt.inboxes).toHaveLength(1);
    const dev = { id: 'sensor-7', index: 7, conn: 3, deviceType: 'sensor', version: '1.0.0' };
    await client.booted?.(dev);
    expect(mqtt.subscribes[0]).toMatchObject({ id: 3 });
    expect(mqtt.subscribes[0]?.filters[0]).toBe('$aws/things/thing-000007/jobs/notify-next');
    mqtt.inboxes[0]?.subscribed?.(3, -0x4a0b, 1); // SUBACK granted QoS 1
    await Promise.resolve();
    await Promise.resolve();
    expect(mqtt.publishes[0]).toMatchObject({
      id: 3,
      topic: '$aws/things/thing-000007/shadow/update',
      body: { state: { reported: { firmware: '1.0.0', deviceType: 'sensor' } } },
    });
    mqtt.inboxes[0]?.connected(3, false);
    expect(mqtt.subscribes).toHaveLength(2);
    // a message for a connection this client does not know is left to the other inboxes
    expect(mqtt.inboxes[0]?.message(4, '$aws/things/x/jobs/notify-next', Buffer.from('{}'), 1)).toBe(false);
    await client.close();
  });

  it('a device type without MQTT sessions: every check fails as data, naming why', async () => {
    const client = jobs.client(options(null));
    expect(await client.check({ id: 'd', index: 0, deviceType: 'sensor', version: '1' })).toEqual({
      kind: 'failed',
      reason: 'no_mqtt_session',
    });
  });
});
