// Topic parsing and the reading of untrusted job documents and statusDetails.
import { describe, expect, it } from 'vitest';
import {
  readJobDocument,
  readStatusDetails,
  parseObject,
} from '../../../../src/ota-protocols/aws-jobs/messages.js';
import { deviceFilters, jobsTopic, parseJobsTopic } from '../../../../src/ota-protocols/aws-jobs/topics.js';

describe('AWS IoT Jobs topics', () => {
  it('builds and parses every topic the client and the service use', () => {
    expect(parseJobsTopic(jobsTopic.notifyNext('t1'))).toEqual({ kind: 'notify-next', thing: 't1' });
    expect(parseJobsTopic(jobsTopic.startNext('t1'))).toEqual({
      kind: 'start-next',
      thing: 't1',
      reply: null,
    });
    expect(parseJobsTopic(`${jobsTopic.startNext('t1')}/rejected`)).toMatchObject({ reply: 'rejected' });
    expect(parseJobsTopic(jobsTopic.update('t1', 'job-7'))).toEqual({
      kind: 'update',
      thing: 't1',
      jobId: 'job-7',
      reply: null,
    });
    expect(parseJobsTopic(`${jobsTopic.update('t1', 'job-7')}/accepted`)).toMatchObject({
      reply: 'accepted',
    });
    expect(parseJobsTopic(jobsTopic.shadowUpdate('t1'))).toEqual({
      kind: 'shadow-update',
      thing: 't1',
      reply: null,
    });
    expect(deviceFilters('t1')).toEqual([
      '$aws/things/t1/jobs/notify-next',
      '$aws/things/t1/jobs/start-next/accepted',
      '$aws/things/t1/jobs/start-next/rejected',
      '$aws/things/t1/jobs/+/update/accepted',
      '$aws/things/t1/jobs/+/update/rejected',
      '$aws/things/t1/shadow/update/accepted',
      '$aws/things/t1/shadow/update/rejected',
    ]);
  });

  it.each([
    'telemetry/t1',
    '$aws/things//jobs/notify-next',
    '$aws/things/t1/jobs/start-next/maybe',
    '$aws/things/t1/jobs/j/update/accepted/more',
    '$aws/things/t1/jobs/notify-next/x',
    '$aws/things/t1/jobs/j/describe',
    '$aws/things/t1/shadow/get',
  ])('refuses %s', (topic) => {
    expect(parseJobsTopic(topic)).toBeNull();
  });
});

describe('untrusted job documents', () => {
  const good = {
    operation: 'firmware-update',
    version: '2.1.0',
    url: 'https://x.test/fw',
    sizeBytes: 10,
    sha256: 'AB'.repeat(32),
  };

  it('reads a firmware job document, as an object or as a JSON string; the digest in lower case', () => {
    expect(readJobDocument(good)).toEqual({ ...good, sha256: 'ab'.repeat(32) });
    expect(readJobDocument(JSON.stringify(good))).toEqual({ ...good, sha256: 'ab'.repeat(32) });
  });

  it('drops a bad size or digest and refuses other operations and shapes', () => {
    expect(readJobDocument({ ...good, sizeBytes: -1, sha256: 'nothex' })).toEqual({
      operation: 'firmware-update',
      version: '2.1.0',
      url: 'https://x.test/fw',
    });
    for (const bad of [
      null,
      7,
      '{',
      [],
      { ...good, operation: 'reboot' },
      { ...good, url: 3 },
      { version: '1' },
    ])
      expect(readJobDocument(bad)).toBeNull();
  });

  it('reads payloads and statusDetails defensively', () => {
    expect(parseObject(Buffer.from('[1]'))).toBeNull();
    expect(parseObject(Buffer.from('\xff{'))).toBeNull();
    expect(parseObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(readStatusDetails({ a: 'x', b: 2 })).toEqual({ a: 'x' });
    expect(readStatusDetails('x')).toBeUndefined();
  });
});
