// hawkBit DDI, device client against the embedded server routes, every request and response
// checked against hawkBit's OpenAPI document: poll, configData once, deploymentBase, feedback,
// polling sleep, maintenance window, download: skip, cancelAction, tokens, and the artifact's
// download resumed with Range after a radio drop and verified against the deployment's sha256.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { imageSha256 } from '../../../src/backend/firmware-image.js';
import { serveImage } from '../../../src/backend/firmware-route.js';
import { HawkbitDdiClient, type HawkbitAuth } from '../../../src/ota-protocols/hawkbit/client.js';
import { undiciDdiTransport } from '../../../src/ota-protocols/hawkbit/ddi-http.js';
import { HawkbitDdiServer, type HawkbitServerOptions } from '../../../src/ota-protocols/hawkbit/server.js';
import type { OtaDeviceFacts } from '../../../src/ota-protocols/types.js';
import { newDownloadCursor, OtaHttpClient } from '../../../src/transports/http/index.js';
import { ScriptedDesk } from './hawkbit-desk.js';
import { hawkbitSpec } from './hawkbit-spec.js';

const IMAGE = { version: '2.1.0', sizeBytes: 1_500_000 };
const dev = (index: number, version = '2.0.0'): OtaDeviceFacts => ({
  id: `sensor-${String(index).padStart(4, '0')}`,
  index,
  deviceType: 'sensor',
  version,
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A second transport for a second client, closed with the test. */
function transport() {
  const tr = undiciDdiTransport();
  cleanups.push(() => tr.close());
  return tr;
}

/** First contact: the server asks for configData and holds the deployment until it has it. */
async function introduced(client: HawkbitDdiClient, d: OtaDeviceFacts): Promise<void> {
  expect((await client.check(d)).kind).toBe('none');
}

async function setup(serverOpts: Partial<HawkbitServerOptions> = {}, auth?: HawkbitAuth) {
  const sha256 = await imageSha256(IMAGE);
  const desk = new ScriptedDesk({ id: 'rollout-1', ...IMAGE, sha256, path: '/v1/firmware/2.1.0' });
  const server = new HawkbitDdiServer({ desk, tenant: 'acme', pollingSleepMs: 90_000, ...serverOpts });
  const counters = { firmwareRequests: 0, rangeRequests: 0, firmwareBytesSent: 0 };
  const httpServer = http.createServer((req, res) => {
    void server.handle(req, res).then((mine) => {
      if (!mine && req.url === '/v1/firmware/2.1.0') return serveImage(req, res, IMAGE, counters);
      if (!mine) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const spec = await hawkbitSpec();
  const transport = undiciDdiTransport();
  const client = new HawkbitDdiClient({
    baseUrl,
    tenant: 'acme',
    auth: auth ?? { kind: 'target-token', tokenOf: (d) => `token-${d.id}` },
    send: spec.watch(transport.send),
    nowMs: () => 1_764_000_000_000,
  });
  const downloads = new OtaHttpClient({ baseUrl });
  cleanups.push(async () => {
    await downloads.close();
    await transport.close();
    httpServer.closeAllConnections();
    await new Promise<void>((r) => httpServer.close(() => r()));
  });
  return { desk, server, client, spec, downloads, counters, sha256, baseUrl };
}

describe('hawkBit DDI client and embedded routes', () => {
  it('polls, sends configData once, follows deploymentBase, resumes the artifact and reports to closed/success', async () => {
    const t = await setup();
    await introduced(t.client, dev(1));
    const answer = await t.client.check(dev(1));
    expect(answer).toMatchObject({ kind: 'offer', nextPollMs: 90_000 });
    if (answer.kind !== 'offer') return;
    const dep = answer.deployment;
    expect(dep).toMatchObject({
      version: '2.1.0',
      sizeBytes: IMAGE.sizeBytes,
      sha256: t.sha256,
      installAllowed: true,
    });
    expect(dep.headers).toEqual({ authorization: 'TargetToken token-sensor-0001' });
    expect(dep.url).toBe(`${t.baseUrl}/v1/firmware/2.1.0`);
    expect(await t.client.report(dev(1), dep, 'downloading')).toBe('ok');

    const cursor = newDownloadCursor();
    const radio = new AbortController();
    const first = await t.downloads.downloadFirmware(dep.url, {
      cursor,
      expectedSha256: dep.sha256 ?? '',
      headers: dep.headers ?? {},
      signal: radio.signal,
      onProgress: (offset) => offset >= 400_000 && radio.abort(),
    });
    expect(first).toMatchObject({ ok: false, outcome: 'aborted' });
    const second = await t.downloads.downloadFirmware(dep.url, { cursor, expectedSha256: dep.sha256 ?? '' });
    expect(second).toMatchObject({ ok: true, resumed: true, verified: true, offset: IMAGE.sizeBytes });
    expect(t.counters.rangeRequests).toBe(1);

    for (const state of ['downloaded', 'installing', 'rebooting', 'success'] as const)
      expect(await t.client.report(dev(1), dep, state)).toBe('ok');
    expect(t.desk.statesOf('sensor-0001')).toEqual([
      'downloading',
      'downloaded',
      'installing',
      'rebooting',
      'success',
    ]);
    // after the update hawkBit asks for the attributes again (sent with the next poll), and has nothing more
    expect(await t.client.check(dev(1, '2.1.0'))).toEqual({ kind: 'none', nextPollMs: 90_000 });
    expect(await t.client.check(dev(1, '2.1.0'))).toEqual({ kind: 'none', nextPollMs: 90_000 });
    expect(t.server.actions.target('sensor-0001').version).toBe('2.1.0');
    expect(t.server.counters.requests).toEqual({
      poll: 4,
      configData: 2,
      deploymentBase: 1,
      deploymentFeedback: 5,
      cancelAction: 0,
      cancelFeedback: 0,
    });
    expect(t.spec.problems).toEqual([]);
    expect([...t.spec.seen.keys()].sort()).toEqual([
      'getControllerBase',
      'getControllerDeploymentBaseAction',
      'postDeploymentBaseActionFeedback',
      'putConfigData',
    ]);
  });

  it('a failure is closed/failure with the reason in details', async () => {
    const t = await setup();
    await introduced(t.client, dev(2));
    const answer = await t.client.check(dev(2));
    if (answer.kind !== 'offer') throw new Error(`expected an offer, got ${answer.kind}`);
    expect(
      await t.client.report(dev(2), answer.deployment, 'failure', 'health check failed, rolled back'),
    ).toBe('ok');
    expect(t.desk.reports).toEqual([
      { deviceId: 'sensor-0002', state: 'failure', detail: 'health check failed, rolled back' },
    ]);
    expect(t.spec.problems).toEqual([]);
  });

  it('outside the maintenance window the device may download but not install', async () => {
    let open = false;
    const t = await setup({ maintenanceWindowOpen: () => open });
    await introduced(t.client, dev(3));
    const closed = await t.client.check(dev(3));
    expect(closed.kind === 'offer' && closed.deployment.installAllowed).toBe(false);
    open = true;
    const opened = await t.client.check(dev(3));
    expect(opened.kind === 'offer' && opened.deployment.installAllowed).toBe(true);
    expect(t.spec.problems).toEqual([]);
  });

  it('download: attempt is still an offer; the spec accepts both handlings', async () => {
    const t = await setup({ handling: 'attempt' });
    await introduced(t.client, dev(4));
    expect((await t.client.check(dev(4))).kind).toBe('offer');
    expect(t.spec.problems).toEqual([]);
  });

  it('a deployment cancelled on the server: cancelAction, confirmed, and feedback on it is 410 (aborted)', async () => {
    const t = await setup();
    await introduced(t.client, dev(5));
    const answer = await t.client.check(dev(5));
    if (answer.kind !== 'offer') throw new Error(`expected an offer, got ${answer.kind}`);
    expect(await t.client.report(dev(5), answer.deployment, 'downloading')).toBe('ok');
    t.desk.cancelledFor.add('sensor-0005');
    expect(await t.client.report(dev(5), answer.deployment, 'downloaded')).toBe('aborted');
    expect(await t.client.check(dev(5))).toEqual({ kind: 'cancel', deploymentId: answer.deployment.id });
    expect(t.server.counters.requests.cancelFeedback).toBe(1);
    expect(t.desk.statesOf('sensor-0005')).toEqual(['downloading', 'aborted']);
    // confirmed: no cancelAction any more
    expect(await t.client.check(dev(5))).toEqual({ kind: 'none', nextPollMs: 90_000 });
    expect(t.spec.problems).toEqual([]);
    expect(t.spec.seen.get('getControllerCancelAction')).toBe(1);
    expect(t.spec.seen.get('postCancelActionFeedback')).toBe(1);
  });

  it('tokens: the target token is checked per controller, a gateway token for all; a refused poll is data', async () => {
    const tokens = { targetTokenOf: (cid: string) => `token-${cid}`, gatewayToken: 'gw-secret' };
    const good = await setup({ auth: tokens });
    await introduced(good.client, dev(6));
    expect((await good.client.check(dev(6))).kind).toBe('offer');
    const gateway = await setup({ auth: tokens }, { kind: 'gateway-token', token: 'gw-secret' });
    await introduced(gateway.client, dev(7));
    expect((await gateway.client.check(dev(7))).kind).toBe('offer');
    const wrong = await setup({ auth: tokens }, { kind: 'target-token', tokenOf: () => 'stolen' });
    expect(await wrong.client.check(dev(8))).toEqual({ kind: 'failed', reason: 'http_401' });
    const none = await setup({ auth: tokens }, { kind: 'none' });
    expect(await none.client.check(dev(9))).toEqual({ kind: 'failed', reason: 'http_401' });
    expect(wrong.server.counters.unauthorized).toBe(1);
    for (const t of [good, gateway, wrong, none]) expect(t.spec.problems).toEqual([]);
  });

  it('a server without polling config leaves the period to the device (defaultPollMs)', async () => {
    const t = await setup({ pollingSleepMs: null, tenant: null, auth: { anonymous: true } });
    const client = new HawkbitDdiClient({
      baseUrl: t.baseUrl,
      tenant: 'any-tenant',
      auth: { kind: 'none' },
      send: t.spec.watch(transport().send),
      defaultPollMs: 42_000,
    });
    await introduced(client, dev(11));
    const answer = await client.check(dev(11));
    expect(answer).toMatchObject({ kind: 'offer', nextPollMs: 42_000 });
    expect(t.spec.problems).toEqual([]);
  });

  it('another tenant is refused (401), as a real hawkBit does', async () => {
    const t = await setup();
    const other = new HawkbitDdiClient({
      baseUrl: t.baseUrl,
      tenant: 'other',
      auth: { kind: 'gateway-token', token: 'x' },
      send: t.spec.watch(transport().send),
    });
    expect(await other.check(dev(10))).toEqual({ kind: 'failed', reason: 'http_401' });
    expect(t.spec.problems).toEqual([]);
  });
});
