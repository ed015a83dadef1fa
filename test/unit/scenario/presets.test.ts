// target.preset: platform conventions filled in, documented quotas refused at load time with the
// quota and its documentation named (FLEETSTORM_ERR_PLATFORM_QUOTA).
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors/tool-error.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

const AWS_URL = 'mqtts://broker.staging.test:8883';
const CERTS = { tls: { cert: 'certs/{id}.pem', key: 'certs/{id}.key' } };

function doc(preset: string, device: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name: 'preset-test',
    mode: 'live',
    duration: '10m',
    fleet: [{ device: { name: 'dev', extends: 'gateway', ...device }, count: 10 }],
    target: { preset, mqtt: AWS_URL },
    live: { speed: 1 },
    ...extra,
  };
}

const load = (d: unknown) => resolveScenarioObject(d, 'preset-test (in memory)', { env: {} });

async function refusal(d: unknown): Promise<ToolError> {
  const e = await load(d).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ToolError);
  const t = e as ToolError;
  expect(t.code).toBe('FLEETSTORM_ERR_PLATFORM_QUOTA');
  return t;
}

describe('target.preset: aws-iot-core', () => {
  it('fills the thing name as client id and accepts a scenario inside the quotas', async () => {
    const s = await load(doc('aws-iot-core', { connectivity: CERTS }));
    expect(s.deviceTypes.dev?.connectivity.identity.clientId).toBe('{id}');
    expect(s.target.preset).toBe('aws-iot-core');
  });

  it('refuses QoS 2', async () => {
    const e = await refusal(doc('aws-iot-core', { connectivity: CERTS, telemetry: { qos: 2 } }));
    expect(e.message).toContain('no QoS 2');
    expect(e.message).toContain('docs.aws.amazon.com');
    expect(e.where).toContain('device-types.dev.telemetry.qos');
  });

  it('refuses more than 100 publishes per second per connection (interval at the live speed)', async () => {
    const d = doc('aws-iot-core', { connectivity: CERTS, telemetry: { interval: '1s', jitter: '0s' } });
    d.live = { speed: 200 };
    const e = await refusal(d);
    expect(e.message).toContain('100 publishes per second per connection');
    expect(e.got).toContain('200 publishes/s');
  });

  it('accepts 100 publishes per second exactly', async () => {
    const d = doc('aws-iot-core', { connectivity: CERTS, telemetry: { interval: '1s', jitter: '0s' } });
    d.live = { speed: 100 };
    await expect(load(d)).resolves.toBeDefined();
  });

  it('refuses payloads over 128 KB and more than 512 KiB/s per connection', async () => {
    const big = await refusal(doc('aws-iot-core', { connectivity: CERTS, telemetry: { payload: '200KB' } }));
    expect(big.message).toContain('128 KB per message');
    const d = doc('aws-iot-core', { connectivity: CERTS, telemetry: { interval: '1m', payload: '100KB' } });
    d.live = { speed: 600 };
    const fast = await refusal(d);
    expect(fast.message).toContain('512 KiB per second per connection');
  });

  it('refuses a keepalive over 1200 s and a topic with more than 7 slashes', async () => {
    const ka = await refusal(doc('aws-iot-core', { connectivity: { ...CERTS, keepalive: '30m' } }));
    expect(ka.message).toContain('keepalive of at most 1200 s');
    const will = { topic: 'a/b/c/d/e/f/g/h/{id}' };
    const deep = await refusal(doc('aws-iot-core', { connectivity: { ...CERTS, will } }));
    expect(deep.message).toContain('at most 7 slashes');
    expect(deep.where).toContain('connectivity.will.topic');
    const tel = await refusal(
      doc('aws-iot-core', { connectivity: CERTS, telemetry: { topic: 'a/b/c/d/e/f/g/h/{id}' } }),
    );
    expect(tel.where).toContain('telemetry.topic');
    const cmd = await refusal(
      doc('aws-iot-core', { connectivity: CERTS, commands: { topic: 'a/b/c/d/e/f/g/{id}' } }),
    );
    expect(cmd.where).toContain('commands.reply-topic'); // `<topic>/reply`: one slash more
    const q2 = await refusal(
      doc('aws-iot-core', { connectivity: CERTS, commands: { topic: 'c/{id}', qos: 2 } }),
    );
    expect(q2.where).toContain('commands.qos');
    const opQos = await refusal(
      doc(
        'aws-iot-core',
        { connectivity: CERTS, commands: { topic: 'c/{id}' } },
        { operations: [{ at: '1m', command: { name: 'x', qos: 2 } }] },
      ),
    );
    expect(opQos.where).toContain('operations[0].command.qos');
  });

  it('refuses one client id shared by the fleet, and duty cycles faster than 1 CONNECT/s', async () => {
    const shared = await refusal(doc('aws-iot-core', { connectivity: { ...CERTS, 'client-id': 'same' } }));
    expect(shared.message).toContain('1 CONNECT per second per client id');
    const d = doc('aws-iot-core', {
      connectivity: { ...CERTS, mode: 'duty-cycle' },
      telemetry: { interval: '30s' },
    });
    d.live = { speed: 60 };
    const cycle = await refusal(d);
    expect(cycle.message).toContain('1 CONNECT per second per client id');
  });

  it('refuses plain MQTT and a device without a credential', async () => {
    const plain = doc('aws-iot-core', { connectivity: CERTS });
    plain.target = { preset: 'aws-iot-core', mqtt: 'mqtt://broker.staging.test:1883' };
    expect((await refusal(plain)).where).toContain('target.mqtt');
    const bare = await refusal(doc('aws-iot-core', {}));
    expect(bare.message).toContain('MQTT over TLS with a device credential');
  });
});

describe('target.preset: azure-iot-hub', () => {
  const sas = { password: { sas: { hub: 'myhub.azure-devices.net', key: '${env:KEY}' } } };

  it('fills client id = device id and the IoT Hub username of a SAS device', async () => {
    const s = await load(doc('azure-iot-hub', { connectivity: sas }));
    const id = s.deviceTypes.dev?.connectivity.identity;
    expect(id?.clientId).toBe('{id}');
    expect(id?.username).toBe('{hub}/{id}/?api-version=2021-04-12');
  });

  it('sends telemetry without a topic to the events topic, and refuses one elsewhere', async () => {
    const s = await load(doc('azure-iot-hub', { connectivity: sas }));
    expect(s.deviceTypes.dev?.telemetry.streams[0]?.topic).toBe('devices/{id}/messages/events/');
    const e = await refusal(
      doc('azure-iot-hub', { connectivity: sas, telemetry: { topic: 'telemetry/{id}' } }),
    );
    expect(e.where).toContain('device-types.dev.telemetry.topic');
  });

  it('refuses retained telemetry and a retained birth', async () => {
    const tel = await refusal(doc('azure-iot-hub', { connectivity: sas, telemetry: { retain: true } }));
    expect(tel.message).toContain('no retained messages');
    expect(tel.where).toContain('device-types.dev.telemetry.retain');
    const birth = { topic: 'devices/{id}/messages/events/', retain: true };
    const b = await refusal(doc('azure-iot-hub', { connectivity: { ...sas, birth } }));
    expect(b.where).toContain('connectivity.birth.retain');
  });

  it('refuses a retained will, a will off the events topic, another client id and QoS 2', async () => {
    const retained = { topic: 'devices/{id}/messages/events/', retain: true };
    expect(
      (await refusal(doc('azure-iot-hub', { connectivity: { ...sas, will: retained } }))).message,
    ).toContain('no retained messages');
    const off = { topic: 'devices/{id}/status' };
    expect((await refusal(doc('azure-iot-hub', { connectivity: { ...sas, will: off } }))).message).toContain(
      'devices/{id}/messages/events/',
    );
    const other = await refusal(
      doc('azure-iot-hub', { connectivity: { ...sas, 'client-id': '{type}-{index}' } }),
    );
    expect(other.message).toContain('client id = device id');
    const q2 = await refusal(doc('azure-iot-hub', { connectivity: sas, telemetry: { qos: 2 } }));
    expect(q2.message).toContain('learn.microsoft.com');
  });
});

describe('target.preset: generic', () => {
  it('changes nothing and checks nothing', async () => {
    const s = await load(doc('generic', { telemetry: { qos: 2, payload: '1MB' } }));
    expect(s.deviceTypes.dev?.connectivity.identity.clientId).toBe('{run}-{index}');
  });
});
