// Birth and will pieces without a broker: the will's wire form (MQTT 5 will delay, retain flag of a
// retained birth, both read back by mqtt-packet), the subscriber filter of a will template, and
// the report's sentence when wills went missing.
import type { IConnectPacket, IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { BirthWill, topicFilter, willWarning } from '../../../src/live/birth-will.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { encodeConnect, encodePublish } from '../../../src/transports/mqtt/codec.js';
import { parseOne } from '../../helpers/mqtt-packet.js';

describe('will and birth on the wire', () => {
  const will = {
    topic: 'devices/d-1/status',
    payload: 'offline',
    qos: 1 as const,
    retain: true,
    delaySec: 30,
  };

  it('MQTT 5 carries the will delay interval; 3.1.1 has none', () => {
    const v5 = parseOne(encodeConnect({ clientId: 'd-1', clean: true, keepaliveSec: 60, will }, 5), 5);
    const w5 = (v5 as IConnectPacket).will;
    expect(w5?.topic).toBe('devices/d-1/status');
    expect(w5?.retain).toBe(true);
    expect(w5?.qos).toBe(1);
    expect(w5?.properties?.willDelayInterval).toBe(30);
    const v4 = parseOne(encodeConnect({ clientId: 'd-1', clean: true, keepaliveSec: 60, will }, 4), 4);
    expect((v4 as IConnectPacket).will?.properties).toBeUndefined();
    expect(String((v4 as IConnectPacket).will?.payload)).toBe('offline');
  });

  it('a retained PUBLISH sets the retain flag, a plain one does not', () => {
    const payload = Buffer.from('online');
    const kept = parseOne(encodePublish('d/1/birth', payload, 1, 7, false, false, true), 4) as IPublishPacket;
    expect(kept.retain).toBe(true);
    expect(kept.qos).toBe(1);
    const plain = parseOne(encodePublish('d/1/birth', payload, 1, 7, false), 4) as IPublishPacket;
    expect(plain.retain).toBe(false);
  });
});

describe('topicFilter', () => {
  it('turns each placeholder level into +', () => {
    expect(topicFilter('devices/{id}/status')).toBe('devices/+/status');
    expect(topicFilter('{run}/{type}-{index:06}/will')).toBe('+/+/will');
    expect(topicFilter('fixed/topic')).toBe('fixed/topic');
  });
});

describe('births on a will topic', () => {
  async function typesWith(birth: Record<string, unknown>, will: Record<string, unknown>) {
    const s = await resolveScenarioObject(
      {
        name: 'status-topic',
        fleet: [{ count: 1, device: { name: 'st', extends: 'gateway', connectivity: { birth, will } } }],
      },
      'status-topic (in memory)',
      { env: {} },
    );
    return Object.values(s.deviceTypes);
  }

  it('tells a birth from a will on one status topic by its payload', async () => {
    const types = await typesWith(
      { topic: 'devices/{id}/status', payload: '{{"id":"{id}","online":true}}' },
      { topic: 'devices/{id}/status', payload: '{{"id":"{id}","online":false}}' },
    );
    const births = new BirthWill(types).birthsOnWillTopics(types);
    expect(births?.test('{"id":"st-0","online":true}')).toBe(true);
    expect(births?.test('{"id":"st-0","online":false}')).toBe(false);
  });

  it('needs nothing when the birth has its own topic', async () => {
    const types = await typesWith({ topic: 'devices/{id}/online' }, { topic: 'devices/{id}/status' });
    expect(new BirthWill(types).birthsOnWillTopics(types)).toBeNull();
  });
});

describe('willWarning', () => {
  it('is silent when every abrupt disconnect brought a will', () => {
    expect(willWarning(5, 5, 0)).toBeNull();
  });

  it('names the shortfall, and the will delay when there is one', () => {
    expect(willWarning(5, 3, 0)).toContain('received 3 wills for 5 abrupt disconnects');
    expect(willWarning(5, 3, 0)).toContain('a broker that loses wills is a finding');
    expect(willWarning(5, 3, 10)).toContain('will delay (10 s)');
  });
});
