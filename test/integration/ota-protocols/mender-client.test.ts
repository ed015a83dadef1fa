// Conformance, not imitation: Debian's real `mender-client` 3.4 (nobody here wrote it) installs
// an artifact made by Debian's `mender-artifact` from the embedded backend's Mender routes (the
// registry's module, on the embedded backend's CampaignDesk). It must authenticate, find the
// deployment, download, install and report success, and the server must see exactly the status
// sequence the 3.4 client sends (test/fixtures/specs/mender/real-client-notes.md). Every API
// exchange is also held against Mender's OpenAPI files.
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { singleFileArtifact, testModuleArtifact } from '../../helpers/mender-client/artifact.js';
import {
  menderClientMissing,
  menderClientVersion,
  mountNamespaceProblem,
} from '../../helpers/mender-client/device.js';
import {
  api,
  attachDevice,
  inventoryOf,
  logUploads,
  startServerSide,
  statusesSeen,
  terminal,
  until,
  type Defer,
} from '../../helpers/mender-client/world.js';
import { MenderSpec } from './mender/openapi-check.js';
import type { RecordingProxy } from './mender/recording-proxy.js';
import { REAL_CLIENT_UPDATE_STATUSES } from '../../helpers/mender-client/statuses.js';

const missing = menderClientMissing();
if (missing !== null) console.warn(`skipping the real mender-client cross-check: ${missing}`);

const DEVICE_TYPE = 'fleetstorm-sim';
const MAC = '02:00:5e:00:53:01';
const device = (mac: string, privateKeyPem?: string) => ({
  deviceType: DEVICE_TYPE,
  artifactName: 'app-1.0',
  identity: { mac },
  ...(privateKeyPem === undefined ? {} : { privateKeyPem }),
});
const NO_REBOOT = ['downloading', 'downloading', 'downloading', 'installing', 'installing', 'success'];

const defer: Defer = (fn) => onTestFinished(fn);

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fleetstorm-artifacts-'));
  defer(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Spec findings of the exchanges with the server (the v2 `next` is not in the v1 files). */
async function specFindings(proxy: RecordingProxy): Promise<string[]> {
  const spec = await MenderSpec.load();
  return proxy.exchanges
    .filter((x) => x.url.startsWith('/api/devices/v1/'))
    .flatMap((x) => spec.check(x))
    .map((f) => `${f.exchange}: ${f.problem}`);
}

describe.skipIf(missing !== null)("Debian's mender-client 3.4 against the embedded Mender server", () => {
  beforeAll(() => {
    // installed but unable to run apart from the host's files: a failure, not a skip
    const problem = mountNamespaceProblem();
    if (problem !== null) throw new Error(`the real mender-client cannot run here: ${problem}`);
    // the sequences below are 3.4's (Debian bookworm); another version needs its own recording
    const version = menderClientVersion();
    if (!version.startsWith('3.4.'))
      throw new Error(`expected Debian's mender-client 3.4, got ${version || 'no version'}`);
  });

  it('authenticates, finds the deployment, downloads, installs a single-file artifact and reports success', async () => {
    const dir = await tempDir();
    const artifact = await singleFileArtifact({
      dir,
      name: 'app-2.0',
      deviceType: DEVICE_TYPE,
      destDir: path.join(dir, 'installed'),
      fileName: 'app.conf',
      content: 'setting=2\n',
    });
    const server = await startServerSide(defer, { artifact, waves: [[MAC]] });
    const a = await attachDevice(defer, server, device(MAC));
    await until(a, 'a final status', () => terminal(a.proxy));
    await until(a, 'inventory after the update', () => inventoryOf(a.proxy).artifact_name === 'app-2.0');

    // exactly what the 3.4 client sends for a module that needs no reboot, each accepted
    expect(statusesSeen(a.proxy)).toEqual(NO_REBOOT.map((status) => ({ status, answer: 204 })));
    expect(await readFile(path.join(dir, 'installed', 'app.conf'), 'utf8')).toBe('setting=2\n');
    // the server's view: the device done, through the client's repeats
    const id = server.desk.deployment.id;
    expect(server.desk.states()[id]).toMatchObject({ success: 1, pending: 0, downloading: 0 });
    expect(server.desk.transitions()[id]).toEqual({
      'pending→downloading': 1,
      'downloading→downloading': 2,
      'downloading→installing': 1,
      'installing→installing': 1,
      'installing→success': 1,
    });
    expect(server.desk.campaign.waves[0]).toMatchObject({ offered: 1, succeeded: 1, failed: 0 });

    // admitted by its signature, and again before the commit (the client drops its token there)
    const auths = api(a.proxy, 'POST', '/api/devices/v1/authentication/auth_requests');
    expect(auths.length).toBeGreaterThanOrEqual(2);
    expect(auths.every((x) => x.status === 200)).toBe(true);
    // asked with POST v2 first and got the deployment there: no fallback to v1
    const asks = api(a.proxy, 'POST', '/api/devices/v2/deployments/device/deployments/next');
    expect(asks[0]?.status).toBe(200);
    expect(api(a.proxy, 'GET', '/api/devices/v1/deployments/device/deployments/next')).toEqual([]);
    // downloaded the artifact's bytes from the link the server gave, without the JWT
    const download = api(a.proxy, 'GET', '/v1/artifacts/');
    expect(download.map((x) => x.status)).toEqual([200]);
    expect(download[0]?.headers.authorization).toBeUndefined();
    // inventory: PUT by this client, with its own attributes and the inventory script's
    const inventory = inventoryOf(a.proxy);
    expect(inventory.device_type).toBe(DEVICE_TYPE);
    expect(String(inventory.mender_client_version)).toMatch(/^3\.4\./);
    expect(inventory.os).toBe('fleetstorm test device');
    expect(api(a.proxy, 'PATCH', '/api/devices/v1/inventory/')).toEqual([]);
    // the server's own per-endpoint measurements saw the same traffic the wire did
    const endpoints = server.backend.stats().http.endpoints;
    expect(endpoints['mender status']).toMatchObject({ requests: 6, errors: 0 });
    expect(endpoints['mender auth']?.requests).toBe(auths.length);

    expect(await specFindings(a.proxy)).toEqual([]);
  });

  it('re-authenticates on a 401 when its token expires mid-deployment and repeats the refused call', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.5',
      deviceType: DEVICE_TYPE,
      behaviour: 'slow-reboot',
    });
    // tokens valid for a second or two and an install of 3 s: the report after it meets a 401
    const server = await startServerSide(defer, { artifact, waves: [[MAC]], tokenTtlMs: 1500 });
    const a = await attachDevice(defer, server, device(MAC));
    await until(a, 'a final status', () => terminal(a.proxy));
    const xs = a.proxy.exchanges.filter((x) => x.url.startsWith('/api/'));
    const refused = xs.flatMap((x, i) => (x.status === 401 ? [i] : []));
    expect(refused.some((i) => xs[i]?.url.endsWith('/status'))).toBe(true);
    for (const i of refused) {
      // a 401 is followed by a new auth request, then by the same call again
      const [auth, again] = [xs[i + 1], xs[i + 2]];
      if (again === undefined) continue; // a 401 of the idle polling just now: not yet answered
      expect(auth?.url).toBe('/api/devices/v1/authentication/auth_requests');
      expect(auth?.status).toBe(200);
      expect(`${again.method} ${again.url} ${again.body.toString('utf8')}`).toBe(
        `${xs[i]?.method} ${xs[i]?.url} ${xs[i]?.body.toString('utf8')}`,
      );
    }
    // the statuses the server accepted are the plain reboot sequence
    expect(
      statusesSeen(a.proxy)
        .filter((s) => s.answer === 204)
        .map((s) => s.status),
    ).toEqual(REAL_CLIENT_UPDATE_STATUSES);
    expect(server.desk.states()[server.desk.deployment.id]).toMatchObject({ success: 1 });
  });

  it('walks the reboot states for a module that needs a reboot: rebooting, then installing again before the commit', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.1',
      deviceType: DEVICE_TYPE,
      behaviour: 'reboot',
    });
    const server = await startServerSide(defer, { artifact, waves: [[MAC]] });
    const a = await attachDevice(defer, server, device(MAC));
    await until(a, 'a final status', () => terminal(a.proxy));
    expect(statusesSeen(a.proxy)).toEqual(
      ['downloading', 'downloading', 'downloading', 'installing', 'rebooting', 'installing', 'success'].map(
        (status) => ({ status, answer: 204 }),
      ),
    );
    expect(server.desk.transitions()[server.desk.deployment.id]).toMatchObject({
      'installing→rebooting': 1,
      'rebooting→installing': 1,
      'installing→success': 1,
    });
    expect(await specFindings(a.proxy)).toEqual([]);
  });

  it('stops on a 409 (deployment aborted on the server): failure sent, no success, polling again', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.2',
      deviceType: DEVICE_TYPE,
      behaviour: 'reboot',
    });
    const server = await startServerSide(defer, { artifact, waves: [[MAC]], abortAt: 'installing' });
    const a = await attachDevice(defer, server, device(MAC));
    await until(a, 'a final status', () => terminal(a.proxy));
    const failureAt = a.proxy.exchanges.findIndex((x) => x.body.toString('utf8').includes('"failure"'));
    await until(a, 'polling after the abort', () =>
      a.proxy.exchanges.slice(failureAt).some((x) => x.url.endsWith('/deployments/next') && x.status === 204),
    );
    // the server aborted at the first `installing`: the client stops there and sends failure,
    // answered 409 too (the deployment is over for this device)
    expect(statusesSeen(a.proxy)).toEqual([
      { status: 'downloading', answer: 204 },
      { status: 'downloading', answer: 204 },
      { status: 'downloading', answer: 204 },
      { status: 'installing', answer: 409 },
      { status: 'failure', answer: 409 },
    ]);
    expect(server.desk.states()[server.desk.deployment.id]).toMatchObject({ aborted: 1, success: 0 });
    expect(server.backend.stats().http.endpoints['mender status']?.errors).toBe(2);
    // a failure report refused with 409 is fatal for the client: it uploads no deployment log
    expect(logUploads(a.proxy)).toEqual([]);
    expect(await specFindings(a.proxy)).toEqual([]);
  });

  it('reports failure and uploads its log when the update module fails to install', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.3',
      deviceType: DEVICE_TYPE,
      behaviour: 'fail-install',
    });
    const server = await startServerSide(defer, { artifact, waves: [[MAC]] });
    const a = await attachDevice(defer, server, device(MAC));
    await until(a, 'a final status', () => terminal(a.proxy));
    await until(a, 'the deployment log', () => logUploads(a.proxy).length > 0);
    expect(statusesSeen(a.proxy).map((s) => s.status)).toEqual([
      'downloading',
      'downloading',
      'downloading',
      'installing',
      'failure',
    ]);
    expect(server.desk.campaign.waves[0]).toMatchObject({ offered: 1, succeeded: 0, failed: 1 });
    const [upload] = logUploads(a.proxy);
    expect(upload?.status).toBe(204);
    expect(upload?.url).toContain(server.desk.deployment.id);
    expect(upload?.body.toString('utf8')).toContain('install refused by the test module');
    expect(await specFindings(a.proxy)).toEqual([]);
  });

  it('two real clients in two waves: the second is offered the update only once the first succeeded', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.4',
      deviceType: DEVICE_TYPE,
      behaviour: 'ok',
    });
    const [first, second] = ['02:00:5e:00:53:10', '02:00:5e:00:53:20'];
    const server = await startServerSide(defer, { artifact, waves: [[first as string], [second as string]] });
    // the second wave's device first, until it has asked and been told there is nothing (204)
    const b = await attachDevice(defer, server, device(second as string));
    const asks = () => api(b.proxy, 'POST', '/api/devices/v2/deployments/device/deployments/next');
    await until(b, 'a check during the first wave', () => asks().length > 0);
    expect(asks()[0]?.status).toBe(204);
    const a = await attachDevice(defer, server, device(first as string));
    await until(a, 'the first wave', () => terminal(a.proxy));
    await until(b, 'the second wave', () => terminal(b.proxy));
    for (const x of [a, b]) expect(statusesSeen(x.proxy).map((s) => s.status)).toEqual(NO_REBOOT);
    const events = server.desk.events;
    expect(events.indexOf(`${first} success`)).toBeGreaterThanOrEqual(0);
    expect(events.indexOf(`offer ${second}`)).toBeGreaterThan(events.indexOf(`${first} success`));
    expect(server.desk.states()[server.desk.deployment.id]).toMatchObject({ success: 2 });
  });

  it.each([
    ['Ed25519', () => generateKeyPairSync('ed25519'), 'ed25519'],
    ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ec'],
  ] as const)(
    'is admitted with an %s device key (signature verified by the server)',
    async (_name, make, type) => {
      const dir = await tempDir();
      // the device already runs the deployment's version: nothing for it, so auth, inventory, next
      const artifact = await testModuleArtifact({
        dir,
        name: 'app-1.0',
        deviceType: DEVICE_TYPE,
        behaviour: 'ok',
      });
      const server = await startServerSide(defer, { artifact, waves: [[MAC]] });
      const pem = make().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const a = await attachDevice(defer, server, device(MAC, pem));
      await until(a, 'an update check after admission', () =>
        a.proxy.exchanges.some((x) => x.url.endsWith('/deployments/next') && x.status === 204),
      );
      const auths = api(a.proxy, 'POST', '/api/devices/v1/authentication/auth_requests');
      expect(auths.length).toBeGreaterThan(0);
      expect(auths.every((x) => x.status === 200)).toBe(true);
      const body = JSON.parse(auths[0]?.body.toString('utf8') ?? '{}') as { pubkey: string };
      expect(createPublicKey(body.pubkey).asymmetricKeyType).toBe(type);
      expect(await specFindings(a.proxy)).toEqual([]);
    },
  );
});
