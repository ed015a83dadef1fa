// The Mender wire rules without sockets: report states to statuses (as mender-client 3.4 sends
// them), the request pattern virtual mode models, deployment instructions, device JWTs.
import { describe, expect, it } from 'vitest';
import { readInstructions } from '../../../../src/ota-protocols/mender/instructions.js';
import { expiryMsOf, issueDeviceJwt, verifyDeviceJwt } from '../../../../src/ota-protocols/mender/jwt.js';
import { checksPerInventory, menderPattern } from '../../../../src/ota-protocols/mender/pattern.js';
import { deviceIdOf } from '../../../../src/ota-protocols/mender/server-auth.js';
import { menderStatusesOf } from '../../../../src/ota-protocols/mender/wire.js';
import { REAL_CLIENT_UPDATE_STATUSES } from '../../../helpers/mender-client/statuses.js';

describe('Mender wire rules', () => {
  it("a successful update is the real client's status sequence", () => {
    const states = ['downloading', 'downloaded', 'installing', 'rebooting', 'success'] as const;
    expect(states.flatMap((s) => menderStatusesOf(s))).toEqual(REAL_CLIENT_UPDATE_STATUSES);
    expect(menderStatusesOf('failure')).toEqual(['failure']);
  });

  it('the modelled pattern: per check 1 next and 1/16 inventory, 7 statuses and 1 auth per 5 reports', () => {
    const p = menderPattern(null);
    expect(p.perCheck).toEqual({ check: 1, inventory: 1 / 16 });
    expect(p.perReport.report).toBeCloseTo(7 / 5);
    expect(p.perReport.auth).toBeCloseTo(1 / 5);
    expect(p.perBoot).toEqual({ inventory: 1 });
    expect(p.pollIntervalUs).toBe(1800e6);
    const fast = menderPattern({
      pollIntervalUs: 60e6,
      inventoryIntervalUs: 600e6,
      key: 'ed25519',
      tenantToken: null,
    });
    expect(fast.perCheck.inventory).toBeCloseTo(1 / 10);
    expect(checksPerInventory(1800_000, 600_000)).toBe(1);
  });

  it('reads deployment instructions; a relative URI resolves against the server', () => {
    const base = new URL('http://mender.test:8080/');
    const body = (uri: string) =>
      JSON.stringify({
        id: 'd1',
        artifact: { artifact_name: 'v2', source: { uri }, device_types_compatible: ['t'] },
      });
    expect(readInstructions(body('/v1/firmware/v2'), base)).toEqual({
      id: 'd1',
      version: 'v2',
      url: 'http://mender.test:8080/v1/firmware/v2',
      sizeBytes: null,
      sha256: null,
    });
    expect(readInstructions('{"id":"d1"}', base)).toBeNull();
    expect(readInstructions('not json', base)).toBeNull();
  });

  it('device JWTs: verified, refused when forged or expired; exp read by the device', () => {
    const secret = Buffer.alloc(32, 1);
    const claims = {
      sub: 'd',
      exp: 2000,
      iat: 1000,
      jti: 'j',
      iss: 'Mender' as const,
      'mender.device': true as const,
    };
    const token = issueDeviceJwt(secret, claims);
    expect(verifyDeviceJwt(secret, token, 1_500_000)).toMatchObject({ ok: true, claims: { sub: 'd' } });
    expect(verifyDeviceJwt(secret, token, 2_000_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyDeviceJwt(Buffer.alloc(32, 2), token, 0)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyDeviceJwt(secret, 'a.b', 0)).toEqual({ ok: false, reason: 'malformed' });
    expect(expiryMsOf(token)).toBe(2_000_000);
  });

  it('the device id of id_data: id, then serial, then mac, else the whole text', () => {
    expect(deviceIdOf('{"id":"a","mac":"m"}')).toBe('a');
    expect(deviceIdOf('{"mac":"02:00","serial":"sim-1"}')).toBe('sim-1');
    expect(deviceIdOf('{"mac":"02:00"}')).toBe('02:00');
    expect(deviceIdOf('plain')).toBe('plain');
  });
});
