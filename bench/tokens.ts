// Cost of making a device's credentials at connect time: CONNECT fields from templates, and a
// fresh token per connect (JWT HS256 / RS256 / ES256, Azure SAS), as FleetIdentity makes them.
// A device keeps its token until a fifth of its life is left, so this is paid once per device
// per token lifetime (and on a reconnect storm only by devices whose token is due).
//   npx tsx bench/tokens.ts [--count 20000]
import { generateKeyPairSync } from 'node:crypto';
import { monotonicMs, wallClockMs } from '../src/clock/real-clock.js';
import { FleetIdentity } from '../src/identity/fleet-identity.js';
import type { DeviceType, PasswordSource } from '../src/scenario/types.js';
import { sampleScenario } from '../test/helpers/sample-scenario.js';

const i = process.argv.indexOf('--count');
const count = i >= 0 ? Number(process.argv[i + 1]) : 20_000;
const base = Object.values(sampleScenario().deviceTypes)[0] as DeviceType;
const pem = (kind: 'rsa' | 'ec'): string =>
  (kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  ).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

const cases: [string, PasswordSource | null][] = [
  ['templates only (client id, username)', null],
  ['text password from ${env:…}', { kind: 'text', text: '${env:BENCH_PW}' }],
  [
    'JWT HS256',
    { kind: 'jwt', alg: 'HS256', key: 'bench-secret-0123456789', claims: { sub: '{id}' }, expiryUs: 3600e6 },
  ],
  [
    'JWT RS256 (2048-bit)',
    { kind: 'jwt', alg: 'RS256', key: pem('rsa'), claims: { sub: '{id}' }, expiryUs: 3600e6 },
  ],
  ['JWT ES256', { kind: 'jwt', alg: 'ES256', key: pem('ec'), claims: { sub: '{id}' }, expiryUs: 3600e6 }],
  [
    'Azure SAS',
    {
      kind: 'sas',
      hub: 'h.azure-devices.net',
      key: 'AAAAAAAAAAAAAAAAAAAAAA==',
      resource: '{hub}/devices/{id}',
      policy: null,
      expiryUs: 3600e6,
    },
  ],
];

console.log(`| credentials | connects/s (one core, ${count} devices, fresh token each) |`);
console.log('| --- | ---: |');
for (const [name, password] of cases) {
  const type: DeviceType = {
    ...base,
    name: 'meter',
    connectivity: { ...base.connectivity, identity: { clientId: '{id}', username: '{id}', password } },
  };
  const f = new FleetIdentity({
    types: [type],
    runTag: 'bench',
    shardIndex: 0,
    devices: count,
    targets: ['mqtt://127.0.0.1:1883'],
    sources: { env: { BENCH_PW: 'bench-password' }, baseDir: '.' },
  });
  const now = wallClockMs();
  const t0 = monotonicMs();
  for (let d = 0; d < count; d++) f.forConnect(d, d, 0, 0, now);
  const perSec = count / ((monotonicMs() - t0) / 1000);
  console.log(`| ${name} | ${Math.round(perSec).toLocaleString('en-US')} |`);
}
