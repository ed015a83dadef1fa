// Generated tokens checked by a broker with a standard library: an aedes broker whose
// `authenticate` hook verifies each CONNECT's JWT with jose (HS256, RS256, ES256) or recomputes
// the Azure SAS signature with node:crypto, and refuses a bad or expired one. Tokens live 2 real
// seconds, so in a run of several seconds every device renews its token and reconnects.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes, type AuthenticateError } from 'aedes';
import { importSPKI, jwtVerify, type JWTPayload } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';

interface Seen {
  client: string;
  username: string;
  iat: number;
}

interface Harness {
  url: string;
  accepted: Seen[];
  refused: string[];
  close(): Promise<void>;
}

/** Resolves with the token's issue time; `device` is false for the end-to-end subscriber. */
type Verify = (clientId: string, username: string, password: string, device: boolean) => Promise<number>;

async function harness(verify: Verify): Promise<Harness> {
  const accepted: Seen[] = [];
  const refused: string[] = [];
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      // The subscriber logs in with device 0's credentials under its own client id.
      const device = !/-sub\d+$/.test(client.id);
      verify(client.id, username ?? '', password?.toString() ?? '', device).then(
        (iat) => {
          accepted.push({ client: client.id, username: username ?? '', iat });
          done(null, true);
        },
        (e: unknown) => {
          refused.push(`${client.id}: ${String(e)}`);
          const err = new Error('bad token') as AuthenticateError;
          err.returnCode = 5; // not authorized
          done(err, false);
        },
      );
    },
  });
  const server = net.createServer((s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    accepted,
    refused,
    close: async () => {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const DEVICES = 6;

async function runAgainst(url: string, connectivity: Record<string, unknown>) {
  const s = await resolveScenarioObject(
    {
      name: 'tokens',
      seed: 1,
      mode: 'live',
      duration: '4m',
      'power-on': { spread: '10s' },
      live: { speed: 40 },
      target: { mqtt: url },
      fleet: [
        {
          count: DEVICES,
          device: {
            name: 'cam',
            extends: 'gateway',
            telemetry: { interval: '30s' },
            connectivity: { 'client-id': '{id}', ...connectivity },
          },
        },
      ],
    },
    'tokens (in memory)',
    { env: {} },
  );
  const { report } = await runResolved(s, { noFiles: true });
  expect(report.status).toBe('completed');
  return report;
}

const counter = (r: { metrics: { counters: Record<string, number> } }, n: string): number =>
  r.metrics.counters[n] ?? 0;

function expectRenewed(h: Harness, r: Parameters<typeof counter>[0]): void {
  expect(h.refused).toEqual([]);
  expect(counter(r, 'mqtt_connect_success_total')).toBeGreaterThanOrEqual(2 * DEVICES);
  expect(counter(r, 'mqtt_disconnects_total{reason="token_expiry"}')).toBeGreaterThanOrEqual(DEVICES);
  // Each device presented tokens issued at different times: a fresh one after expiry.
  for (let i = 0; i < DEVICES; i++) {
    const iats = new Set(h.accepted.filter((a) => a.client === `cam-${i}`).map((a) => a.iat));
    expect(iats.size, `cam-${i}`).toBeGreaterThanOrEqual(2);
  }
}

function secretInEnv(name: string, value: string): void {
  process.env[name] = value;
  cleanups.push(() => {
    delete process.env[name];
  });
}

describe('JWT passwords verified by the broker (jose)', () => {
  it('HS256: claims filled per device, renewed with a fresh token on expiry', async () => {
    const secret = 'hs256-shared-secret-for-the-test';
    secretInEnv('FS_TEST_JWT_SECRET', secret);
    const key = new TextEncoder().encode(secret);
    const h = await harness(async (clientId, username, password, device) => {
      const { payload } = await jwtVerify(password, key, { algorithms: ['HS256'], audience: 'fleet' });
      if (device && (payload.sub !== clientId || username !== clientId))
        throw new Error('sub/username mismatch');
      return payload.iat as number;
    });
    cleanups.push(() => h.close());
    const r = await runAgainst(h.url, {
      username: '{id}',
      password: {
        jwt: {
          alg: 'HS256',
          secret: '${env:FS_TEST_JWT_SECRET}',
          claims: { sub: '{id}', aud: 'fleet' },
          expiry: '2s',
        },
      },
    });
    expectRenewed(h, r);
  }, 60_000);

  it.each([
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
  ] as const)(
    '%s: a PEM key from ${file:…}, verified with the public key',
    async (alg, make) => {
      const dir = mkdtempSync(join(tmpdir(), 'fs-jwt-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const { privateKey, publicKey } = make();
      const keyFile = join(dir, 'device.key');
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const spki = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), alg);
      const h = await harness(async (clientId, _u, password, device) => {
        const { payload } = await jwtVerify<JWTPayload>(password, spki, { algorithms: [alg] });
        if (device && payload.sub !== clientId) throw new Error('sub mismatch');
        return payload.iat as number;
      });
      cleanups.push(() => h.close());
      const r = await runAgainst(h.url, {
        password: { jwt: { alg, key: `\${file:${keyFile}}`, expiry: '2s' } },
      });
      expectRenewed(h, r);
    },
    60_000,
  );

  it('a token signed with the wrong secret is refused: no device connects', async () => {
    secretInEnv('FS_TEST_JWT_WRONG', 'not-the-secret-the-broker-knows');
    const key = new TextEncoder().encode('the-broker-secret-0123456789');
    const h = await harness(
      async (_c, _u, password) => (await jwtVerify(password, key)).payload.iat as number,
    );
    cleanups.push(() => h.close());
    const r = await runAgainst(h.url, {
      password: { jwt: { alg: 'HS256', secret: '${env:FS_TEST_JWT_WRONG}' } },
    });
    expect(counter(r, 'mqtt_connect_success_total')).toBe(0);
    expect(counter(r, 'mqtt_connect_attempts_total')).toBeGreaterThanOrEqual(DEVICES);
    expect(h.refused.length).toBeGreaterThanOrEqual(DEVICES);
    expect(h.accepted).toEqual([]);
  }, 60_000);
});

describe('Azure IoT Hub SAS passwords verified by the broker (node:crypto)', () => {
  it('sr, sig and se check out for every device, and are renewed on expiry', async () => {
    const hub = 'fleet-hub.azure-devices.net';
    const deviceKey = Buffer.from('a-device-key-of-32-bytes-000000!');
    secretInEnv('FS_TEST_SAS_KEY', deviceKey.toString('base64'));
    const h = await harness(async (clientId, username, password, device) => {
      const id = device ? clientId : 'cam-0';
      const m = /^SharedAccessSignature sr=([^&]+)&sig=([^&]+)&se=(\d+)$/.exec(password);
      if (!m) throw new Error('not a SAS token');
      const [, sr, sig, se] = m as unknown as [string, string, string, string];
      if (decodeURIComponent(sr) !== `${hub}/devices/${id}`) throw new Error('wrong resource');
      if (username !== `${hub}/${id}/?api-version=2021-04-12`) throw new Error('wrong username');
      const want = createHmac('sha256', deviceKey).update(`${sr}\n${se}`).digest('base64');
      if (decodeURIComponent(sig) !== want) throw new Error('bad signature');
      // The broker's clock is the wall clock: an expired token is refused.
      if (Number(se) * 1000 <= Date.now()) throw new Error('expired');
      return Number(se);
    });
    cleanups.push(() => h.close());
    const r = await runAgainst(h.url, {
      username: '{hub}/{id}/?api-version=2021-04-12',
      password: { sas: { hub, key: '${env:FS_TEST_SAS_KEY}', expiry: '2s' } },
    });
    expectRenewed(h, r);
  }, 60_000);
});
