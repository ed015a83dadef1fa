// The Mender device API v1, client and embedded server, on the wire: every exchange recorded by
// a proxy between them is validated against mender-server's OpenAPI files (request: path, query,
// headers, body; response: declared status and body), the auth signature is verified with
// node:crypto as the spec's table says, and the JWT with jose.
import { createPublicKey, verify } from 'node:crypto';
import { jwtVerify } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MenderClient, type MenderClientOptions } from '../../../../src/ota-protocols/mender/client.js';
import type { MenderKeyType } from '../../../../src/ota-protocols/mender/keys.js';
import type { OtaDeviceFacts } from '../../../../src/ota-protocols/types.js';
import { MenderSpec } from './openapi-check.js';
import { DEPLOYMENT, startMenderHarness, type MenderHarness } from './harness.js';
import type { Exchange } from './recording-proxy.js';
import { REAL_CLIENT_UPDATE_STATUSES } from '../../../helpers/mender-client/statuses.js';

const SECRET = Buffer.alloc(32, 7);
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
let wallMs = T0;
let serverAheadMs = 0;
let spec: MenderSpec;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  spec = await MenderSpec.load();
});

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  wallMs = T0;
  serverAheadMs = 0;
});

async function setup(
  server: Parameters<typeof startMenderHarness>[0] | object = {},
  client: Partial<MenderClientOptions> = {},
): Promise<{ h: MenderHarness; c: MenderClient }> {
  const h = await startMenderHarness({ wallMs: () => wallMs + serverAheadMs, secret: SECRET, ...server });
  open.push(h);
  const c = new MenderClient({
    baseUrl: h.url,
    clockUs: () => performance.now() * 1000,
    wallMs: () => wallMs,
    seed: 'seed-1',
    ...client,
  });
  open.push(c);
  return { h, c };
}

const dev = (n: number, version = '1.0.0'): OtaDeviceFacts => ({
  id: `gw-${String(n).padStart(4, '0')}`,
  index: n,
  deviceType: 'raspberrypi4',
  version,
});

function expectConforming(exchanges: Exchange[], undeclared: readonly number[] = []): void {
  const api = exchanges.filter((x) => x.url.startsWith('/api/'));
  expect(api.length).toBeGreaterThan(0);
  expect(api.flatMap((x) => spec.check(x, undeclared))).toEqual([]);
}

const kinds = (h: MenderHarness): string[] =>
  h.proxy.exchanges.map(
    (x) =>
      `${x.method} ${new URL(x.url, 'http://x').pathname.replace(/^\/api\/devices\/v1\//, '')} ${x.status}`,
  );

describe('Mender device API v1 against the spec', () => {
  it('boot, check, offer, statuses to success and a second check: every exchange conforms', async () => {
    const { h, c } = await setup();
    const d = dev(1);
    await c.booted(d);
    const answer = await c.check(d);
    expect(answer.kind).toBe('offer');
    if (answer.kind !== 'offer') return;
    const dep = answer.deployment;
    expect(dep).toMatchObject({ id: DEPLOYMENT.id, version: '2.0.0', sizeBytes: null, sha256: null });
    expect(dep.url).toMatch(new RegExp(`^${h.url}/v1/firmware/2\\.0\\.0\\?x-men-expire=`));
    const image = await fetch(dep.url, { headers: { range: 'bytes=1000-' } });
    expect(image.status).toBe(206);
    expect((await image.arrayBuffer()).byteLength).toBe(DEPLOYMENT.sizeBytes - 1000);
    for (const state of ['downloading', 'downloaded', 'installing', 'rebooting', 'success'] as const)
      expect(await c.report(d, dep, state)).toBe('ok');
    expect(await c.check({ ...d, version: '2.0.0' })).toEqual({ kind: 'none' });

    expect(kinds(h)).toEqual([
      'POST authentication/auth_requests 200',
      'PUT inventory/device/attributes 200',
      'GET deployments/device/deployments/next 200',
      'GET /v1/firmware/2.0.0 206',
      ...Array<string>(5).fill('PUT deployments/device/deployments/dep-2.0.0/status 204'),
      'POST authentication/auth_requests 200',
      'PUT deployments/device/deployments/dep-2.0.0/status 204',
      'PUT deployments/device/deployments/dep-2.0.0/status 204',
      'GET deployments/device/deployments/next 204',
    ]);
    // the sequence Debian's mender-client 3.4 gives a server (real-client-notes.md)
    expect(h.desk.statesOf(d.id)).toEqual(REAL_CLIENT_UPDATE_STATUSES);
    expect(h.server.inventory.get(d.id)?.get('artifact_name')).toBe('1.0.0');
    expect(h.server.counters.requests).toEqual({ auth: 2, next: 2, status: 7, log: 0, inventory: 1 });
    const next = h.proxy.exchanges[2];
    expect(new URL(next?.url ?? '', 'http://x').searchParams.get('device_type')).toBe('raspberrypi4');
    expectConforming(h.proxy.exchanges);
  });

  it.each<MenderKeyType>(['ed25519', 'ecdsa', 'rsa'])(
    'the %s auth request is signed as the spec says and answered with a JWT jose verifies',
    async (key) => {
      const { h, c } = await setup({}, { key });
      await c.booted(dev(2));
      const auth = h.proxy.exchanges[0] as Exchange;
      const body = JSON.parse(auth.body.toString()) as { id_data: string; pubkey: string };
      expect(JSON.parse(body.id_data)).toEqual({ id: 'gw-0002' });
      const pub = createPublicKey(body.pubkey);
      expect(pub.asymmetricKeyType).toBe(key === 'ecdsa' ? 'ec' : key);
      if (key === 'ecdsa') expect(pub.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      const sig = Buffer.from(String(auth.headers['x-men-signature']), 'base64');
      expect(verify(key === 'ed25519' ? null : 'sha256', auth.body, pub, sig)).toBe(true);
      const tampered = Buffer.from(auth.body.toString().replace('gw-0002', 'gw-0003'));
      expect(verify(key === 'ed25519' ? null : 'sha256', tampered, pub, sig)).toBe(false);
      const jwt = auth.responseBody?.toString() ?? '';
      const { payload } = await jwtVerify(jwt, SECRET, {
        currentDate: new Date(wallMs),
        algorithms: ['HS256'],
      });
      expect(payload).toMatchObject({
        sub: 'gw-0002',
        iss: 'Mender',
        exp: Math.floor((T0 + 7 * 86_400_000) / 1000),
      });
      expectConforming(h.proxy.exchanges);
    },
  );

  it('a failure status is followed by the deployment log', async () => {
    const { h, c } = await setup();
    const d = dev(3);
    const answer = await c.check(d);
    if (answer.kind !== 'offer') throw new Error('no offer');
    await c.report(d, answer.deployment, 'downloading');
    expect(await c.report(d, answer.deployment, 'failure', 'health check failed\nrolled back')).toBe('ok');
    expect(kinds(h).slice(-2)).toEqual([
      'PUT deployments/device/deployments/dep-2.0.0/status 204',
      'PUT deployments/device/deployments/dep-2.0.0/log 204',
    ]);
    expect(h.server.logs.get(d.id)?.messages).toHaveLength(2);
    expect(h.desk.statesOf(d.id)).toEqual(['downloading', 'failure']);
    expectConforming(h.proxy.exchanges);
  });

  it('a deployment aborted by the server answers 409 and the client says aborted', async () => {
    const { h, c } = await setup();
    const d = dev(4);
    const answer = await c.check(d);
    if (answer.kind !== 'offer') throw new Error('no offer');
    expect(await c.report(d, answer.deployment, 'downloading')).toBe('ok');
    h.desk.abort(d.id);
    expect(await c.report(d, answer.deployment, 'installing')).toBe('aborted');
    expect(await c.report(d, answer.deployment, 'failure', 'aborted by the server')).toBe('aborted');
    expect(await c.check(d)).toMatchObject({ kind: 'none' });
    expect(h.server.counters.conflicts).toBe(2);
    expect(kinds(h).slice(-4)).toEqual([
      'PUT deployments/device/deployments/dep-2.0.0/status 409',
      'PUT deployments/device/deployments/dep-2.0.0/status 409',
      'PUT deployments/device/deployments/dep-2.0.0/log 204',
      'GET deployments/device/deployments/next 204',
    ]);
    expectConforming(h.proxy.exchanges);
  });

  it("an expired token is renewed before use, and a 401 (token expired on the server's clock) re-authenticates once", async () => {
    const { h, c } = await setup({ tokenTtlMs: 3_600_000 });
    const d = dev(5, '2.0.0');
    await c.check(d);
    wallMs += 3_600_000; // past exp: renewed before the call
    await c.check(d);
    expect(h.server.counters.requests.auth).toBe(2);
    expect(h.server.counters.unauthorized).toBe(0);

    // the server's clock runs ahead: the token it issued is expired for it, not for the device
    serverAheadMs = 2 * 3_600_000;
    expect(await c.check(d)).toMatchObject({ kind: 'none' });
    expect(kinds(h).slice(-3)).toEqual([
      'GET deployments/device/deployments/next 401',
      'POST authentication/auth_requests 200',
      'GET deployments/device/deployments/next 204',
    ]);
    expect(h.server.counters.unauthorized).toBe(1);
    // Mender's deployments spec declares no 401 for `next`; the DeviceJWT scheme implies it
    expectConforming(h.proxy.exchanges, [401]);
  });
});

describe('Mender device API v1: acceptance', () => {
  it('a deployment of the artifact the device runs is reported already-installed, not downloaded', async () => {
    const { h, c } = await setup();
    h.desk.offerInstalled = true;
    const d = dev(6, '2.0.0');
    expect(await c.check(d)).toEqual({ kind: 'none' });
    expect(h.desk.statesOf(d.id)).toEqual(['already-installed']);
    expect(await c.check(d)).toMatchObject({ kind: 'none' });
    expect(h.firmware.firmwareRequests).toBe(0);
    expectConforming(h.proxy.exchanges);
  });

  it('preauthorised devices only: another device stays pending (401) and gets no deployment', async () => {
    const { h, c } = await setup({ acceptance: 'preauthorized', preauthorized: ['gw-0007'] });
    expect(await c.check(dev(7))).toMatchObject({ kind: 'offer' });
    expect(await c.check(dev(8))).toEqual({ kind: 'failed', reason: 'auth_unauthorized' });
    expect([...h.server.admissions.pending]).toEqual(['gw-0008']);
    expect(h.server.counters).toMatchObject({ authAccepted: 1, authRefused: 1, requests: { next: 1 } });
    expectConforming(h.proxy.exchanges);
  });

  it("a tenant token must match the server's; a signature by another key is refused", async () => {
    const { h, c } = await setup({ tenantToken: 'tenant-A' }, { tenantToken: 'tenant-B' });
    expect(await c.check(dev(9))).toEqual({ kind: 'failed', reason: 'auth_unauthorized' });
    const good = new MenderClient({
      baseUrl: h.url,
      clockUs: () => 0,
      wallMs: () => wallMs,

      seed: 's',
      tenantToken: 'tenant-A',
    });
    open.push(good);
    expect(await good.check(dev(9))).toMatchObject({ kind: 'offer' });
    const auth = h.proxy.exchanges.filter((x) => x.url.endsWith('/auth_requests')).at(-1) as Exchange;
    expect(auth.headers.authorization).toBe('Bearer tenant-A');
    const forged = await fetch(`${h.url}/api/devices/v1/authentication/auth_requests`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-men-signature': String(auth.headers['x-men-signature']),
      },
      body: auth.body.toString().replace('gw-0009', 'gw-0010'),
    });
    expect(forged.status).toBe(401);
    expect(h.server.counters.authRefused).toBe(2);
    expectConforming(h.proxy.exchanges);
  });

  it('the inventory goes out on boot and then every inventory interval / poll interval checks', async () => {
    const { h, c } = await setup({}, { inventoryPollMs: 60_000, updatePollMs: 20_000 });
    expect(c.checksPerInventory).toBe(3);
    const d = dev(11, '2.0.0');
    await c.booted(d);
    for (let i = 0; i < 2; i++) await c.check(d);
    expect(h.server.counters.requests).toMatchObject({ inventory: 1, next: 2 });
    await c.check(d);
    expect(h.server.counters.requests).toMatchObject({ inventory: 2, next: 3 });
    expect(h.server.inventory.get(d.id)?.get('device_type')).toBe('raspberrypi4');
    // a device never booted sends its inventory with its first check
    await c.check(dev(12, '2.0.0'));
    expect(h.server.inventory.has('gw-0012')).toBe(true);
  });
});

describe('the spec check itself', () => {
  const x = (over: Partial<Exchange>): Exchange => ({
    method: 'PUT',
    url: '/api/devices/v1/deployments/device/deployments/d1/status',
    headers: { 'content-type': 'application/json', authorization: 'Bearer a.b.c' },
    body: Buffer.from('{"status":"installing"}'),
    status: 204,
    responseHeaders: {},
    responseBody: Buffer.alloc(0),
    clientAborted: false,
    ...over,
  });

  it('passes a conforming exchange and refuses what the spec refuses', () => {
    expect(spec.check(x({}))).toEqual([]);
    expect(spec.check(x({ body: Buffer.from('{"status":"downloaded"}') }))).toHaveLength(1);
    expect(spec.check(x({ status: 401 }))).toHaveLength(1);
    const next = '/api/devices/v1/deployments/device/deployments/next';
    expect(
      spec.check(x({ method: 'GET', url: `${next}?artifact_name=a`, body: Buffer.alloc(0) })),
    ).toHaveLength(1);
    const noTypes = { id: 'd', artifact: { artifact_name: 'a', source: { uri: 'http://h/x' } } };
    const answer = x({
      method: 'GET',
      url: `${next}?artifact_name=a&device_type=t`,
      body: Buffer.alloc(0),
      status: 200,
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: Buffer.from(JSON.stringify(noTypes)),
    });
    expect(spec.check(answer)[0]?.problem).toMatch(/device_types_compatible/);
    const auth = x({
      method: 'POST',
      url: '/api/devices/v1/authentication/auth_requests',
      body: Buffer.from('{"id_data":"{}"}'),
      status: 401,
    });
    expect(
      spec
        .check(auth)
        .map((f) => f.problem)
        .join(),
    ).toMatch(/pubkey|X-MEN-Signature|x-men-signature/i);
  });
});
