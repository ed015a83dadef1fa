// The AWS IoT Jobs device client against the embedded jobs service over a real aedes broker:
// offers, the status walk with expected versions, power loss, VersionMismatch, server-side
// cancellation, step time-outs and a silent server. Every $aws message seen in either direction
// is held against the documented message schemas (test/fixtures/specs/aws-iot-jobs).
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsJobsClient } from '../../../../src/ota-protocols/aws-jobs/client.js';
import type { OtaDeployment, OtaDeviceFacts } from '../../../../src/ota-protocols/types.js';
import {
  DeskStub,
  FleetSession,
  schemaProblems,
  startJobsBroker,
  until,
  type JobsBroker,
} from './harness.js';

const THING = 'sensor-000001';
const dev: OtaDeviceFacts = { id: THING, index: 1, deviceType: 'sensor', version: '1.0.0' };
const SHA = 'ab'.repeat(32);

interface Ctx {
  desk: DeskStub;
  broker: JobsBroker;
  session: FleetSession;
  client: AwsJobsClient;
  woken: number[];
}

async function setUp(
  opts: { minuteMs?: number; withService?: boolean; replyTimeoutMs?: number } = {},
): Promise<Ctx> {
  const desk = new DeskStub();
  desk.deployment = {
    id: 'fw-2.1.0',
    version: '2.1.0',
    sizeBytes: 4096,
    sha256: SHA,
    path: '/v1/firmware/2.1.0',
  };
  const broker = await startJobsBroker(desk, opts);
  const session = new FleetSession();
  const woken: number[] = [];
  const client = new AwsJobsClient({
    link: session,
    replyTimeoutMs: opts.replyTimeoutMs ?? 5000,
    stepTimeoutInMinutes: 1,
    thingOf: (conn) => (conn === 1 ? THING : undefined),
    wake: (conn) => woken.push(conn),
  });
  session.inbox = client.inbox;
  await session.connect(broker.url, 1, THING);
  return { desk, broker, session, client, woken };
}

const updatesSent = (broker: JobsBroker): Record<string, unknown>[] =>
  broker.seen
    .filter((m) => m.fromDevice && /\/jobs\/[^/]+\/update$/.test(m.topic))
    .map((m) => JSON.parse(m.payload) as Record<string, unknown>);

describe('AWS IoT Jobs: device client against the embedded jobs service', () => {
  let ctx: Ctx;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(() => {
    cleanups.length = 0;
  });
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    await ctx.client.close();
    await ctx.session.pool.close();
    await ctx.broker.close();
  });

  it('answers none while no wave targets the thing (start-next accepted without an execution)', async () => {
    ctx = await setUp();
    expect(await ctx.client.check(dev)).toEqual({ kind: 'none' });
    const accepted = ctx.broker.seen.find((m) => m.topic.endsWith('/start-next/accepted'));
    expect(JSON.parse(accepted?.payload ?? '{}')).not.toHaveProperty('execution');
    expect(schemaProblems(ctx.broker)).toEqual([]);
  });

  it('a wave start wakes the device on notify-next; the job walks to SUCCEEDED with expected versions', async () => {
    ctx = await setUp();
    await ctx.client.booted(dev); // the shadow tells the service the device's firmware and type
    await until(() => ctx.broker.service?.counters.shadowUpdate === 1, 'shadow update');
    ctx.desk.targets.add(THING);
    await until(() => ctx.woken.length > 0, 'notify-next');
    const answer = await ctx.client.check(dev);
    expect(answer).toEqual({
      kind: 'offer',
      deployment: {
        id: 'fw-2_1_0',
        version: '2.1.0',
        url: 'http://127.0.0.1:9/v1/firmware/2.1.0',
        sizeBytes: 4096,
        sha256: SHA,
      },
    });
    const dep = (answer as { deployment: OtaDeployment }).deployment;
    for (const state of ['downloading', 'downloaded', 'installing', 'rebooting', 'success'] as const)
      expect(await ctx.client.report(dev, dep, state)).toBe('ok');
    expect(ctx.desk.statesOf(THING)).toEqual([
      'downloading',
      'downloaded',
      'installing',
      'rebooting',
      'success',
    ]);
    expect(ctx.broker.service?.executions()).toEqual({ SUCCEEDED: 1 });
    // queued at 1, started at 2: each update names the version the previous reply gave
    expect(updatesSent(ctx.broker).map((u) => [u.status, u.expectedVersion])).toEqual([
      ['IN_PROGRESS', 2],
      ['IN_PROGRESS', 3],
      ['IN_PROGRESS', 4],
      ['IN_PROGRESS', 5],
      ['SUCCEEDED', 6],
    ]);
    await until(() => ctx.broker.service?.counters.shadowUpdate === 2, 'shadow after commit');
    const shadows = ctx.broker.seen.filter((m) => m.fromDevice && m.topic.endsWith('/shadow/update'));
    expect(JSON.parse(shadows[1]?.payload ?? '{}')).toMatchObject({
      state: { reported: { firmware: '2.1.0' } },
    });
    // a finished job is not offered again
    expect(await ctx.client.check({ ...dev, version: '2.1.0' })).toEqual({ kind: 'none' });
    expect(schemaProblems(ctx.broker)).toEqual([]);
  });

  it('after a power loss updates go without expectedVersion; a stale version is VersionMismatch, resynced once', async () => {
    ctx = await setUp();
    ctx.desk.targets.add(THING);
    const answer = await ctx.client.check(dev);
    const dep = (answer as { deployment: OtaDeployment }).deployment;
    expect(await ctx.client.report(dev, dep, 'downloading')).toBe('ok');
    ctx.client.powerLost(dev);
    ctx.session.pool.destroy(1);
    await ctx.session.connect(ctx.broker.url, 1, THING);
    expect(await ctx.client.report(dev, dep, 'installing')).toBe('ok');
    expect(updatesSent(ctx.broker).at(-1)).not.toHaveProperty('expectedVersion');
    // another writer moves the execution on behind the device's back
    const other = await mqtt.connectAsync(ctx.broker.url, { clientId: 'operator', reconnectPeriod: 0 });
    cleanups.push(() => other.endAsync(true));
    await other.publishAsync(
      `$aws/things/${THING}/jobs/${dep.id}/update`,
      JSON.stringify({ status: 'IN_PROGRESS' }),
      {
        qos: 1,
      },
    );
    await until(() => ctx.broker.service?.counters.updateAccepted === 3, 'the other update');
    expect(await ctx.client.report(dev, dep, 'rebooting')).toBe('ok');
    expect(ctx.broker.service?.counters.versionMismatch).toBe(1);
    const last = updatesSent(ctx.broker).slice(-2);
    expect(last.map((u) => u.expectedVersion)).toEqual([4, 5]);
    expect(schemaProblems(ctx.broker)).toEqual([]);
  });

  it('a deployment the desk cancels mid-download: notify-next drops the job, check says cancel, updates abort', async () => {
    ctx = await setUp();
    ctx.desk.targets.add(THING);
    const dep = ((await ctx.client.check(dev)) as { deployment: OtaDeployment }).deployment;
    expect(await ctx.client.report(dev, dep, 'downloading')).toBe('ok');
    ctx.desk.cancelledFor.add(THING);
    await until(() => ctx.woken.length > 0, 'notify-next of the cancellation');
    expect(await ctx.client.check(dev)).toEqual({ kind: 'cancel', deploymentId: dep.id });
    // a device that missed the notification learns it from the rejected update
    expect(await ctx.client.report(dev, dep, 'downloaded')).toBe('aborted');
    const rejected = ctx.broker.seen.filter((m) => m.topic.endsWith('/update/rejected'));
    expect(JSON.parse(rejected[0]?.payload ?? '{}')).toMatchObject({
      code: 'InvalidStateTransition',
      executionState: { status: 'CANCELED' },
    });
    expect(ctx.broker.service?.executions()).toEqual({ CANCELED: 1 });
    expect(ctx.broker.service?.counters.canceled).toBe(1);
    expect(schemaProblems(ctx.broker)).toEqual([]);
  });

  it('a step without an update past stepTimeoutInMinutes is TIMED_OUT (a minute shortened to 40 ms)', async () => {
    ctx = await setUp({ minuteMs: 40 });
    ctx.desk.targets.add(THING);
    const dep = ((await ctx.client.check(dev)) as { deployment: OtaDeployment }).deployment;
    await until(() => ctx.broker.service?.counters.timedOut === 1, 'TIMED_OUT');
    expect(ctx.desk.reports.at(-1)).toMatchObject({
      deviceId: THING,
      state: 'failure',
      detail: 'step timed out',
    });
    expect(await ctx.client.report(dev, dep, 'downloading')).toBe('aborted');
    expect(ctx.broker.service?.executions()).toEqual({ TIMED_OUT: 1 });
    expect(schemaProblems(ctx.broker)).toEqual([]);
  });

  it('a device back from a power loss that missed the cancellation learns it from start-next (working job gone)', async () => {
    ctx = await setUp();
    ctx.desk.targets.add(THING);
    const dep = ((await ctx.client.check(dev)) as { deployment: OtaDeployment }).deployment;
    expect(await ctx.client.report(dev, dep, 'installing')).toBe('ok');
    ctx.desk.cancelledFor.add(THING);
    await until(() => ctx.woken.length > 0, 'notify-next of the cancellation');
    ctx.client.powerLost(dev); // the notification was in RAM
    ctx.session.pool.destroy(1);
    await ctx.session.connect(ctx.broker.url, 1, THING);
    expect(await ctx.client.check(dev, dep)).toEqual({ kind: 'cancel', deploymentId: dep.id });
    expect(await ctx.client.check(dev, null)).toEqual({ kind: 'none' });
  });

  it('a new session subscribes again, and a request left on the old one ends as link_lost', async () => {
    ctx = await setUp({ withService: false, replyTimeoutMs: 60_000 });
    const asked = ctx.client.check(dev);
    await until(() => ctx.client.awaitingReplies === 1, 'start-next sent');
    ctx.session.pool.destroy(1);
    await ctx.session.connect(ctx.broker.url, 1, THING);
    expect(await asked).toEqual({ kind: 'failed', reason: 'link_lost' });
    expect(ctx.client.counters.subscribe).toBe(2);
  });

  it('a broker without the jobs service: the check fails as a timeout, as data', async () => {
    ctx = await setUp({ withService: false, replyTimeoutMs: 150 });
    expect(await ctx.client.check(dev)).toEqual({ kind: 'failed', reason: 'timeout' });
    expect(ctx.client.counters.startNext).toBe(1);
  });
});
