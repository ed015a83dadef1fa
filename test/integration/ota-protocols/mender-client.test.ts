// Conformance, not imitation: Debian's real `mender-client` 3.4 (nobody here wrote it) installs
// an artifact made by Debian's `mender-artifact` from the embedded backend's Mender routes. It
// must authenticate, find the deployment, download, install and report success, and the server
// must see exactly the status sequence the 3.4 client sends (test/fixtures/specs/mender/
// real-client-notes.md). Every API exchange is also held against Mender's OpenAPI files.
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedBackend } from '../../../src/backend/embedded.js';
import type { EmbeddedBackend } from '../../../src/backend/types.js';
import type { DeskDeviceState } from '../../../src/ota-protocols/types.js';
import { wallClockMs } from '../../../src/clock/real-clock.js';
import { protocolOf } from '../../../src/ota-protocols/registry.js';
import { artifactShelf } from '../../helpers/mender-client/artifact-route.js';
import {
  singleFileArtifact,
  testModuleArtifact,
  type MadeArtifact,
} from '../../helpers/mender-client/artifact.js';
import {
  menderClientMissing,
  mountNamespaceProblem,
  startMenderDevice,
  type MenderDevice,
} from '../../helpers/mender-client/device.js';
import { MenderSpec } from './mender/openapi-check.js';
import { OneDeploymentDesk } from './mender/harness.js';
import { startRecordingProxy, type Exchange, type RecordingProxy } from './mender/recording-proxy.js';

const missing = menderClientMissing();
if (missing !== null) console.warn(`skipping the real mender-client cross-check: ${missing}`);

const DEVICE_TYPE = 'fleetstorm-sim';
const MAC = '02:00:5e:00:53:01';
const STATUS_PATH = /^\/api\/devices\/v1\/deployments\/device\/deployments\/([^/]+)\/status$/;

interface World {
  desk: OneDeploymentDesk;
  backend: EmbeddedBackend;
  proxy: RecordingProxy;
  device: MenderDevice;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fleetstorm-artifacts-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A desk that aborts a device's deployment when it reports `state` (answered 409). */
function abortingAt(state: DeskDeviceState): typeof OneDeploymentDesk {
  return class extends OneDeploymentDesk {
    override report(deviceId: string, deploymentId: string, s: DeskDeviceState, detail?: string) {
      if (s === state) this.abort(deviceId);
      return super.report(deviceId, deploymentId, s, detail);
    }
  };
}

/** The embedded backend with the Mender routes offering `artifact`, a recording proxy, the client. */
async function world(
  artifact: MadeArtifact,
  abortAt?: DeskDeviceState,
  privateKeyPem?: string,
): Promise<World> {
  const shelf = artifactShelf();
  const desk = new (abortAt === undefined ? OneDeploymentDesk : abortingAt(abortAt))({
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    version: artifact.name,
    sizeBytes: artifact.bytes.length,
    sha256: createHash('sha256').update(artifact.bytes).digest('hex'),
    path: shelf.put(artifact.name, artifact.bytes),
  });
  // the routes the embedded backend mounts for `ota.protocol: mender`
  const mender = protocolOf('mender', 'test').routes?.({ desk, nowMs: wallClockMs }) ?? [];
  const backend = await startEmbeddedBackend({ routes: [...mender, shelf.route] });
  cleanups.push(() => backend.close());
  const proxy = await startRecordingProxy(backend.httpUrl);
  cleanups.push(() => proxy.close());
  const device = await startMenderDevice({
    serverUrl: proxy.url,
    deviceType: DEVICE_TYPE,
    artifactName: 'app-1.0',
    identity: { mac: MAC },
    ...(privateKeyPem === undefined ? {} : { privateKeyPem }),
  });
  cleanups.push(() => device.stop());
  return { desk, backend, proxy, device };
}

/** Waits (bounded) for `done`; on timeout the error carries the client's last log lines. */
async function until(w: World, what: string, done: () => boolean): Promise<void> {
  try {
    await vi.waitFor(() => expect(done(), what).toBe(true), { timeout: 45_000, interval: 200 });
  } catch (err) {
    const tail = (await w.device.log()).split('\n').filter((l) => !l.includes('level=debug'));
    const seen = w.proxy.exchanges.slice(0, 40).map((x) => `${x.method} ${x.url} → ${x.status}`);
    throw new Error(
      `${String(err)}\nexchanges:\n${seen.join('\n')}\nmender-client log (last lines):\n${tail.slice(-25).join('\n')}`,
    );
  }
}

/** The statuses the server was sent, in order, with its answers. */
function statusesSeen(proxy: RecordingProxy): { status: string; answer: number }[] {
  return proxy.exchanges
    .filter((x) => x.method === 'PUT' && STATUS_PATH.test(x.url))
    .map((x) => ({
      status: (JSON.parse(x.body.toString('utf8')) as { status: string }).status,
      answer: x.status,
    }));
}

const api = (proxy: RecordingProxy, method: string, prefix: string): Exchange[] =>
  proxy.exchanges.filter((x) => x.method === method && x.url.startsWith(prefix));

const logUploads = (proxy: RecordingProxy): Exchange[] =>
  api(proxy, 'PUT', '/api/devices/v1/deployments/device/deployments/').filter((x) => x.url.endsWith('/log'));

/** The attributes of the last inventory upload the server accepted. */
function inventoryOf(proxy: RecordingProxy): Record<string, unknown> {
  const last = api(proxy, 'PUT', '/api/devices/v1/inventory/device/attributes')
    .filter((x) => x.status === 200)
    .at(-1);
  if (last === undefined) return {};
  const list = JSON.parse(last.body.toString('utf8')) as { name: string; value: unknown }[];
  return Object.fromEntries(list.map((a) => [a.name, a.value]));
}

const terminal = (proxy: RecordingProxy): boolean =>
  statusesSeen(proxy).some((s) => ['success', 'failure', 'already-installed'].includes(s.status));

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
    const w = await world(artifact);
    await until(w, 'a final status', () => terminal(w.proxy));
    await until(w, 'inventory after the update', () => inventoryOf(w.proxy).artifact_name === 'app-2.0');

    // exactly what the 3.4 client sends for a module that needs no reboot, each accepted
    expect(statusesSeen(w.proxy)).toEqual(
      ['downloading', 'downloading', 'downloading', 'installing', 'installing', 'success'].map((status) => ({
        status,
        answer: 204,
      })),
    );
    expect(w.desk.statesOf(MAC)).toEqual([
      'downloading',
      'downloading',
      'downloading',
      'installing',
      'installing',
      'success',
    ]);
    expect(await readFile(path.join(dir, 'installed', 'app.conf'), 'utf8')).toBe('setting=2\n');

    // admitted by its signature, and again before the commit (the client drops its token there)
    const auths = api(w.proxy, 'POST', '/api/devices/v1/authentication/auth_requests');
    expect(auths.length).toBeGreaterThanOrEqual(2);
    expect(auths.every((x) => x.status === 200)).toBe(true);
    // asked with POST v2 first and got the deployment there: no fallback to v1
    const asks = api(w.proxy, 'POST', '/api/devices/v2/deployments/device/deployments/next');
    expect(asks[0]?.status).toBe(200);
    expect(api(w.proxy, 'GET', '/api/devices/v1/deployments/device/deployments/next')).toEqual([]);
    // downloaded the artifact's bytes from the link the server gave, without the JWT
    const download = api(w.proxy, 'GET', '/v1/artifacts/');
    expect(download.map((x) => x.status)).toEqual([200]);
    expect(download[0]?.headers.authorization).toBeUndefined();
    // inventory: PUT by this client, with its own attributes and the inventory script's
    const inventory = inventoryOf(w.proxy);
    expect(inventory.device_type).toBe(DEVICE_TYPE);
    expect(String(inventory.mender_client_version)).toMatch(/^3\.4\./);
    expect(inventory.os).toBe('fleetstorm test device');
    expect(api(w.proxy, 'PATCH', '/api/devices/v1/inventory/')).toEqual([]);
    // the server's own per-endpoint measurements saw the same traffic the wire did
    const endpoints = w.backend.stats().http.endpoints;
    expect(endpoints['mender status']?.requests).toBe(6);
    expect(endpoints['mender status']?.errors).toBe(0);
    expect(endpoints['mender auth']?.requests).toBe(auths.length);

    expect(await specFindings(w.proxy)).toEqual([]);
  });

  it('walks the reboot states for a module that needs a reboot: rebooting, then installing again before the commit', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.1',
      deviceType: DEVICE_TYPE,
      behaviour: 'reboot',
    });
    const w = await world(artifact);
    await until(w, 'a final status', () => terminal(w.proxy));
    expect(statusesSeen(w.proxy).map((s) => s.status)).toEqual([
      'downloading',
      'downloading',
      'downloading',
      'installing',
      'rebooting',
      'installing',
      'success',
    ]);
    expect(statusesSeen(w.proxy).every((s) => s.answer === 204)).toBe(true);
    expect(await specFindings(w.proxy)).toEqual([]);
  });

  it('stops on a 409 (deployment aborted on the server): failure sent, no success, polling again', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.2',
      deviceType: DEVICE_TYPE,
      behaviour: 'reboot',
    });
    const w = await world(artifact, 'installing');
    await until(w, 'a final status', () => terminal(w.proxy));
    const failureAt = w.proxy.exchanges.findIndex((x) => x.body.toString('utf8').includes('"failure"'));
    await until(w, 'polling after the abort', () =>
      w.proxy.exchanges.slice(failureAt).some((x) => x.url.endsWith('/deployments/next') && x.status === 204),
    );
    // the server aborted at the first `installing`: the client stops there and sends failure,
    // answered 409 too (the deployment is over for this device)
    expect(statusesSeen(w.proxy)).toEqual([
      { status: 'downloading', answer: 204 },
      { status: 'downloading', answer: 204 },
      { status: 'downloading', answer: 204 },
      { status: 'installing', answer: 409 },
      { status: 'failure', answer: 409 },
    ]);
    expect(w.backend.stats().http.endpoints['mender status']?.errors).toBe(2);
    // a failure report refused with 409 is fatal for the client: it uploads no deployment log
    expect(logUploads(w.proxy)).toEqual([]);
    expect(await specFindings(w.proxy)).toEqual([]);
  });

  it('reports failure and uploads its log when the update module fails to install', async () => {
    const dir = await tempDir();
    const artifact = await testModuleArtifact({
      dir,
      name: 'app-2.3',
      deviceType: DEVICE_TYPE,
      behaviour: 'fail-install',
    });
    const w = await world(artifact);
    await until(w, 'a final status', () => terminal(w.proxy));
    await until(w, 'the deployment log', () => logUploads(w.proxy).length > 0);
    expect(statusesSeen(w.proxy).map((s) => s.status)).toEqual([
      'downloading',
      'downloading',
      'downloading',
      'installing',
      'failure',
    ]);
    expect(w.desk.statesOf(MAC).at(-1)).toBe('failure');
    const [upload] = logUploads(w.proxy);
    expect(upload?.status).toBe(204);
    expect(upload?.url).toContain(w.desk.deployment.id);
    expect(upload?.body.toString('utf8')).toContain('install refused by the test module');
    expect(await specFindings(w.proxy)).toEqual([]);
  });

  it.each([
    ['Ed25519', () => generateKeyPairSync('ed25519'), 'ed25519'],
    ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ec'],
  ] as const)(
    'is admitted with an %s device key (signature verified by the server)',
    async (_name, make, type) => {
      const dir = await tempDir();
      // offered what it already runs: the desk has nothing for it, so the exchange is auth, inventory, next
      const artifact = await testModuleArtifact({
        dir,
        name: 'app-1.0',
        deviceType: DEVICE_TYPE,
        behaviour: 'reboot',
      });
      const pem = make().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const w = await world(artifact, undefined, pem);
      await until(w, 'an update check after admission', () =>
        w.proxy.exchanges.some((x) => x.url.endsWith('/deployments/next') && x.status === 204),
      );
      const auth = api(w.proxy, 'POST', '/api/devices/v1/authentication/auth_requests')[0];
      expect(auth?.status).toBe(200);
      const body = JSON.parse(auth?.body.toString('utf8') ?? '{}') as { pubkey: string };
      expect(createPublicKey(body.pubkey).asymmetricKeyType).toBe(type);
      expect(api(w.proxy, 'POST', '/api/devices/v1/authentication/').every((x) => x.status === 200)).toBe(
        true,
      );
      expect(await specFindings(w.proxy)).toEqual([]);
    },
  );
});
