import { createHmac, generateKeyPairSync } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwtKey, sasKey, sasToken, signJwt } from '../../../src/identity/tokens.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const NOW_MS = 1_800_000_000_000;
const HOUR_MS = 3_600_000;

describe('signJwt', () => {
  it('HS256 verifies with the shared secret, with iat and exp from the clock', async () => {
    const token = signJwt(
      jwtKey('HS256', 'k3y-material', 'w'),
      { sub: 'sensor-1', aud: 'x' },
      NOW_MS,
      HOUR_MS,
    );
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode('k3y-material'), {
      currentDate: new Date(NOW_MS),
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({
      sub: 'sensor-1',
      aud: 'x',
      iat: NOW_MS / 1000,
      exp: NOW_MS / 1000 + 3600,
    });
  });

  it.each([
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
  ] as const)('%s verifies with the public key', async (alg, make) => {
    const { privateKey, publicKey } = make();
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const token = signJwt(jwtKey(alg, pem, 'w'), { sub: 'gw-7' }, NOW_MS, HOUR_MS);
    const spki = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), alg);
    const { payload } = await jwtVerify(token, spki, { currentDate: new Date(NOW_MS + 1000) });
    expect(payload.sub).toBe('gw-7');
    // Expired an hour later: a verifier refuses it.
    await expect(jwtVerify(token, spki, { currentDate: new Date(NOW_MS + HOUR_MS + 1000) })).rejects.toThrow(
      /exp/,
    );
  });

  it('refuses a key that does not fit the algorithm, without quoting it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const e = await toolErrorOf(() => jwtKey('ES256', pem, 'device-types.x.connectivity.password.jwt.key'));
    expect(e.code).toBe('FLEETSTORM_ERR_SECRET_UNAVAILABLE');
    expect(e.toLine()).not.toContain('PRIVATE KEY');
    const e2 = await toolErrorOf(() => jwtKey('RS256', 'not a pem s3cr3t', 'w'));
    expect(e2.toLine()).not.toContain('s3cr3t');
  });
});

describe('sasToken', () => {
  it('is the documented Azure IoT Hub form, recomputable from the key', () => {
    const keyB64 = Buffer.from('device-key-0123456789abcdef').toString('base64');
    const resource = 'myhub.azure-devices.net/devices/sensor-1';
    const token = sasToken(sasKey(keyB64, 'w'), resource, NOW_MS, HOUR_MS, null);
    const m = /^SharedAccessSignature sr=([^&]+)&sig=([^&]+)&se=(\d+)$/.exec(token);
    expect(m).not.toBeNull();
    const [, sr, sig, se] = m as unknown as [string, string, string, string];
    expect(decodeURIComponent(sr)).toBe(resource);
    expect(Number(se)).toBe(NOW_MS / 1000 + 3600);
    const want = createHmac('sha256', Buffer.from(keyB64, 'base64')).update(`${sr}\n${se}`).digest('base64');
    expect(decodeURIComponent(sig)).toBe(want);
  });

  it('names the policy (skn) when given, and refuses a key that is not base64', async () => {
    const token = sasToken(sasKey('AAAA', 'w'), 'h/devices/d', NOW_MS, HOUR_MS, 'device');
    expect(token).toMatch(/&skn=device$/);
    const e = await toolErrorOf(() => sasKey('not base64!', 'x.sas.key'));
    expect(e.code).toBe('FLEETSTORM_ERR_SECRET_UNAVAILABLE');
    expect(e.where).toBe('x.sas.key');
  });
});
