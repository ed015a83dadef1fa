// connectivity.client-id / username / password: kept as written (references, not values),
// checked at load time, and laid over every device type by a profile's `connectivity:`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenario/index.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-identity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scenarioWith(connectivity: string, name = 's'): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    [
      `name: ${name}`,
      'fleet:',
      '  - count: 3',
      '    device:',
      '      name: meter',
      `      connectivity: ${connectivity}`,
    ].join('\n'),
  );
  return file;
}

describe('identity in a device type', () => {
  it('defaults to the run-scoped client id and no credentials', async () => {
    const s = await loadScenario(await scenarioWith('{ mode: persistent }', 'plain'), { env: {} });
    expect(s.deviceTypes.meter?.connectivity.identity).toEqual({
      clientId: '{run}-{index}',
      username: null,
      password: null,
    });
  });

  it('keeps templates and references as written', async () => {
    const file = await scenarioWith(
      '{ client-id: "{type}-{index:06}", username: "{id}", password: "${env:BROKER_PASSWORD}" }',
      'refs',
    );
    const s = await loadScenario(file, { env: {} });
    expect(s.deviceTypes.meter?.connectivity.identity).toEqual({
      clientId: '{type}-{index:06}',
      username: '{id}',
      password: { kind: 'text', text: '${env:BROKER_PASSWORD}' },
    });
  });

  it('takes a password file per device', async () => {
    const s = await loadScenario(await scenarioWith('{ password: "${file:passwords/{id}.txt}" }', 'perdev'), {
      env: {},
    });
    expect(s.deviceTypes.meter?.connectivity.identity.password).toEqual({
      kind: 'text',
      text: '${file:passwords/{id}.txt}',
    });
  });

  it('resolves token generators', async () => {
    const jwt = await scenarioWith(
      '{ password: { jwt: { alg: ES256, key: "${file:keys/d.pem}", claims: { aud: "{run}", n: 1 }, expiry: 20m } } }',
      'jwt',
    );
    expect((await loadScenario(jwt, { env: {} })).deviceTypes.meter?.connectivity.identity.password).toEqual({
      kind: 'jwt',
      alg: 'ES256',
      key: '${file:keys/d.pem}',
      claims: { aud: '{run}', n: 1 },
      expiryUs: 20 * 60e6,
    });
    const sas = await scenarioWith(
      '{ username: "{hub}/{id}/?api-version=2021-04-12", password: { sas: { hub: h.azure-devices.net, key: "${env:K}" } } }',
      'sas',
    );
    expect((await loadScenario(sas, { env: {} })).deviceTypes.meter?.connectivity.identity.password).toEqual({
      kind: 'sas',
      hub: 'h.azure-devices.net',
      key: '${env:K}',
      resource: '{hub}/devices/{id}',
      policy: null,
      expiryUs: 3600e6,
    });
  });

  it.each([
    ['{ client-id: "{nope}" }', 'connectivity.client-id', 'unknown placeholder'],
    ['{ username: "{index" }', 'connectivity.username', 'never closed'],
    ['{ password: "${env:1BAD}" }', 'connectivity.password', 'environment variable name'],
    ['{ password: { jwt: { alg: HS256, key: "${env:K}" } } }', 'connectivity.password.jwt.secret', 'HS256'],
    ['{ password: { jwt: { alg: HS256, secret: x, claims: { exp: 1 } } } }', 'claims.exp', 'clock'],
    [
      '{ password: { sas: { hub: h, key: "${env:K}", resource: "{hub}/{bad}" } } }',
      'sas.resource',
      'unknown',
    ],
    ['{ password: "${file:pw/{run}.txt}" }', 'connectivity.password', 'cannot name {run}'],
    ['{ password: { jwt: { alg: ES256, key: "${file:k/{id}.pem}" } } }', 'jwt.key', 'one file for the fleet'],
  ])('%s → error at %s', async (conn, where, what) => {
    const e = await toolErrorOf(loadScenario(await scenarioWith(conn, 'bad'), { env: {} }));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toContain(where);
    expect(e.message).toContain(what);
  });
});

describe('identity in a profile', () => {
  it('replaces the identity fields of every device type, leaving the rest', async () => {
    const profile = join(dir, 'staging.yaml');
    await writeFile(profile, 'connectivity:\n  username: "{id}"\n  password: "${file:pw.txt}"\n');
    const s = await loadScenario(await scenarioWith('{ client-id: "{id}", keepalive: 30s }', 'p'), {
      env: {},
      profile,
    });
    const c = s.deviceTypes.meter?.connectivity;
    expect(c?.keepaliveUs).toBe(30e6);
    expect(c?.identity).toEqual({
      clientId: '{id}',
      username: '{id}',
      password: { kind: 'text', text: '${file:pw.txt}' },
    });
  });

  it('checks its templates, naming the profile file', async () => {
    const profile = join(dir, 'broken.yaml');
    await writeFile(profile, 'connectivity:\n  client-id: "{idx}"\n');
    const e = await toolErrorOf(loadScenario(await scenarioWith('{}', 'q'), { env: {}, profile }));
    expect(e.where).toContain('broken.yaml');
    expect(e.where).toContain('connectivity.client-id');
  });
});
