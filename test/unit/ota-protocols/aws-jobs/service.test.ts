// The jobs service's answers to malformed and out-of-turn requests (no broker: its publishes are
// captured), each held against the documented error response schema.
import { afterEach, describe, expect, it } from 'vitest';
import { AwsJobsService } from '../../../../src/ota-protocols/aws-jobs/service.js';
import type { DeploymentDesk, DeskDeployment } from '../../../../src/ota-protocols/types.js';
import { schemaForTopic } from '../../../fixtures/specs/aws-iot-jobs/jobs-mqtt.js';

const DEP: DeskDeployment = {
  id: 'fw 2.1',
  version: '2.1.0',
  sizeBytes: 10,
  sha256: 'cd'.repeat(32),
  path: '/v1/firmware/2.1.0',
};

/** Offers DEP to every device not on it; nothing cancelled. */
const desk: DeploymentDesk = {
  next: (dev) => (dev.version === DEP.version ? null : DEP),
  report: () => 'ok',
  cancelled: () => false,
  states: () => ({}),
};

let service: AwsJobsService | null = null;
afterEach(() => service?.close());

function start() {
  const out: { topic: string; body: Record<string, unknown> }[] = [];
  service = new AwsJobsService({
    desk,
    imageBaseUrl: 'https://images.example.test',
    publish: (topic, payload) =>
      out.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
    nowMs: () => 1_790_000_000_000,
    tickMs: 3_600_000,
  });
  const ask = (topic: string, body: unknown) => {
    out.length = 0;
    service?.handle(topic, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
    const reply = out[0];
    if (reply) expect(schemaForTopic(reply.topic)?.safeParse(reply.body).success, reply.topic).toBe(true);
    return reply;
  };
  return { service, ask };
}

const T = '$aws/things/dev-1/jobs';

describe('the jobs service answers what it is sent', () => {
  it('a job id from a deployment id keeps to [a-zA-Z0-9_-]; the document names the absolute image URL', () => {
    const { ask } = start();
    const r = ask(`${T}/start-next`, {
      clientToken: 'c1',
      statusDetails: { firmware: '1.0.0', deviceType: 'gw' },
    });
    expect(r?.topic).toBe(`${T}/start-next/accepted`);
    expect(r?.body).toMatchObject({
      clientToken: 'c1',
      execution: {
        jobId: 'fw_2_1',
        status: 'IN_PROGRESS',
        versionNumber: 2,
        jobDocument: { url: 'https://images.example.test/v1/firmware/2.1.0', sha256: DEP.sha256 },
      },
    });
  });

  it.each([
    ['not JSON', `${T}/start-next`, '{nope', 'InvalidJson'],
    ['a step timeout of 0 minutes', `${T}/start-next`, { stepTimeoutInMinutes: 0 }, 'InvalidRequest'],
    [
      'an update of a job it does not run',
      `${T}/other-job/update`,
      { status: 'IN_PROGRESS' },
      'ResourceNotFound',
    ],
    ['a status devices may not set', `${T}/fw_2_1/update`, { status: 'QUEUED' }, 'InvalidRequest'],
    ['a status that is not one', `${T}/fw_2_1/update`, { status: 'DONE' }, 'InvalidRequest'],
    [
      'a stale expectedVersion',
      `${T}/fw_2_1/update`,
      { status: 'IN_PROGRESS', expectedVersion: 1 },
      'VersionMismatch',
    ],
  ])('%s is rejected as %s', (_what, topic, body, code) => {
    const { ask } = start();
    ask(`${T}/start-next`, { statusDetails: { firmware: '1.0.0' } });
    const r = ask(topic, body);
    expect(r?.topic).toBe(`${topic}/rejected`);
    expect(r?.body.code).toBe(code);
  });

  it('an update after the execution ended is InvalidStateTransition, with the execution state', () => {
    const { ask, service: s } = start();
    ask(`${T}/start-next`, { statusDetails: { firmware: '1.0.0' } });
    expect(ask(`${T}/fw_2_1/update`, { status: 'SUCCEEDED' })?.topic).toBe(`${T}/fw_2_1/update/accepted`);
    const r = ask(`${T}/fw_2_1/update`, { status: 'IN_PROGRESS' });
    expect(r?.body).toMatchObject({
      code: 'InvalidStateTransition',
      executionState: { status: 'SUCCEEDED' },
    });
    expect(s.counters).toMatchObject({ update: 2, updateAccepted: 1, updateRejected: 1 });
    expect(s.endpoints()['jobs update']).toMatchObject({ requests: 2, errors: 1 });
  });

  it('ignores its own replies, other topics and notify-next', () => {
    const { service: s } = start();
    for (const topic of [
      `${T}/start-next/accepted`,
      `${T}/notify-next`,
      'telemetry/dev-1',
      '$aws/things/dev-1/shadow/get',
    ])
      expect(s.handle(topic, Buffer.from('{}'))).toBe(false);
    expect(s.counters.startNext).toBe(0);
  });
});
