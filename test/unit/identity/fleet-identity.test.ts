import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { FleetIdentity } from '../../../src/identity/fleet-identity.js';
import type { DeviceType, IdentityConfig } from '../../../src/scenario/types.js';
import { redactText } from '../../../src/secrets/redact.js';
import { sampleScenario } from '../../helpers/sample-scenario.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const NOW_MS = 1_900_000_000_000;
const base = Object.values(sampleScenario().deviceTypes)[0] as DeviceType;

function typeWith(name: string, identity: IdentityConfig): DeviceType {
  return { ...base, name, connectivity: { ...base.connectivity, identity } };
}

function fleet(
  types: DeviceType[],
  targets: string[] = ['mqtt://127.0.0.1:1883'],
  env: Record<string, string> = {},
) {
  return new FleetIdentity({
    types,
    runTag: 'fsrun1',
    shardIndex: 2,
    devices: 10,
    targets,
    sources: { env, baseDir: '/nonexistent' },
  });
}

describe('FleetIdentity', () => {
  it('fills the templates per device and counts connect attempts in {seq}', () => {
    const f = fleet([
      typeWith('meter', {
        clientId: '{type}-{index:04}-s{shard}-{seq}',
        username: '{id}@{run}',
        password: null,
      }),
    ]);
    expect(f.forConnect(3, 42, 0, 0, NOW_MS)).toEqual({
      clientId: 'meter-0042-s2-1',
      username: 'meter-42@fsrun1',
    });
    expect(f.forConnect(3, 42, 0, 0, NOW_MS).clientId).toBe('meter-0042-s2-2');
    expect(f.forConnect(4, 43, 0, 0, NOW_MS).clientId).toBe('meter-0043-s2-1');
  });

  it('falls back to the URL credentials, decoded, and masks the URL password', () => {
    const f = fleet(
      [
        typeWith('a', { clientId: '{id}', username: null, password: null }),
        typeWith('b', { clientId: '{id}', username: 'own', password: null }),
      ],
      ['mqtt://fleet%40x:p%2Fass-word@127.0.0.1:1883'],
    );
    expect(f.forConnect(0, 0, 0, 0, NOW_MS)).toEqual({
      clientId: 'a-0',
      username: 'fleet@x',
      password: 'p/ass-word',
    });
    expect(f.forConnect(1, 1, 1, 0, NOW_MS)).toEqual({
      clientId: 'b-1',
      username: 'own',
      password: 'p/ass-word',
    });
    expect(redactText('got p/ass-word')).toBe('got ***');
  });

  it('sends an empty username with a password alone (3.1.1 needs one)', () => {
    const f = fleet(
      [
        typeWith('a', {
          clientId: 'x',
          username: null,
          password: { kind: 'text', text: '${env:PW}-{index}' },
        }),
      ],
      undefined,
      {
        PW: 'envpw',
      },
    );
    expect(f.forConnect(0, 7, 0, 0, NOW_MS)).toEqual({ clientId: 'x', username: '', password: 'envpw-7' });
    expect(f.renewCheckMs).toBeNull();
  });

  it('keeps a token until a fifth of its life is left, then makes a fresh one', async () => {
    const jwt = {
      kind: 'jwt',
      alg: 'HS256',
      key: 'k-e-y-material',
      claims: { sub: '{id}' },
      expiryUs: 100e6,
    } as const;
    const f = fleet([typeWith('cam', { clientId: '{id}', username: '{id}', password: jwt })]);
    expect(f.renewCheckMs).toBe(1000);
    const first = f.forConnect(0, 5, 0, 0, NOW_MS).password as string;
    const { payload } = await jwtVerify(first, new TextEncoder().encode('k-e-y-material'), {
      currentDate: new Date(NOW_MS),
    });
    expect(payload).toMatchObject({ sub: 'cam-5', exp: NOW_MS / 1000 + 100 });
    expect(f.renewAtMs[0]).toBe(NOW_MS + 80_000);
    expect(f.forConnect(0, 5, 0, 0, NOW_MS + 79_000).password).toBe(first);
    const fresh = f.forConnect(0, 5, 0, 0, NOW_MS + 81_000).password;
    expect(fresh).not.toBe(first);
    expect(f.renewAtMs[0]).toBe(NOW_MS + 161_000);
  });

  it('reads a password file per device at connect, and checks every device before a run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-perdev-'));
    mkdirSync(join(dir, 'pw'));
    for (const i of [0, 1]) writeFileSync(join(dir, 'pw', `m-${i}.txt`), `secret-of-m-${i}\n`);
    const f = new FleetIdentity({
      types: [
        typeWith('m', {
          clientId: '{id}',
          username: '{id}',
          password: { kind: 'text', text: '${file:pw/{id}.txt}' },
        }),
      ],
      runTag: 'r',
      shardIndex: 0,
      devices: 3,
      targets: ['mqtt://127.0.0.1:1883'],
      sources: { env: {}, baseDir: dir },
    });
    expect(f.forConnect(0, 0, 0, 0, NOW_MS).password).toBe('secret-of-m-0');
    expect(f.forConnect(1, 1, 0, 0, NOW_MS).password).toBe('secret-of-m-1');
    f.checkDevices([{ type: 0, start: 0, count: 2 }]);
    const e = await toolErrorOf(() => f.checkDevices([{ type: 0, start: 0, count: 3 }]));
    expect(e.code).toBe('FLEETSTORM_ERR_SECRET_UNAVAILABLE');
    expect(e.message).toContain('m-2.txt');
  });
});
