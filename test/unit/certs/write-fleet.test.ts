// `fleetstorm certs` output, read back with Node's X509Certificate: the CA is a CA, each device
// certificate is signed by it, names its device in the CN (from the template), is for client
// authentication and has its own key; the server certificate lists the names given; an existing
// CA is not replaced without --force.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFleetCerts, type FleetCertsOptions } from '../../../src/certs/write-fleet.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function options(over: Partial<FleetCertsOptions> = {}): FleetCertsOptions {
  const dir = mkdtempSync(join(tmpdir(), 'fs-certs-'));
  dirs.push(dir);
  return {
    outDir: dir,
    devices: [0, 1, 2].map((index) => ({ index, type: 'meter' })),
    cn: 'dev-{index:06}',
    days: 30,
    key: 'ec',
    serverNames: ['broker.staging.test', '127.0.0.2'],
    nowMs: Date.UTC(2026, 0, 1),
    force: false,
    ...over,
  };
}

const cert = (dir: string, name: string): X509Certificate =>
  new X509Certificate(readFileSync(join(dir, name)));

describe('writeFleetCerts', () => {
  it('writes a CA, a server certificate and one verifiable client certificate per device', async () => {
    const o = options();
    const progress: number[] = [];
    await writeFleetCerts({ ...o, onProgress: (done) => progress.push(done) });
    const dir = o.outDir;
    const ca = cert(dir, 'ca.pem');
    expect(ca.ca).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);
    const server = cert(dir, 'server.pem');
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe('DNS:broker.staging.test, IP Address:127.0.0.2');
    expect(server.checkHost('broker.staging.test')).toBe('broker.staging.test');
    for (let i = 0; i < 3; i++) {
      const device = cert(dir, `meter-${i}.pem`);
      expect(device.verify(ca.publicKey)).toBe(true);
      expect(device.ca).toBe(false);
      expect(device.subject).toBe(`CN=dev-00000${i}`);
      expect(device.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
      expect(new Date(device.validTo).getTime()).toBe(Date.UTC(2026, 0, 31)); // --days 30
      // the key in meter-i.key is the certificate's
      const key = createPrivateKey(readFileSync(join(dir, `meter-${i}.key`)));
      expect(createPublicKey(key).export({ format: 'pem', type: 'spki' })).toBe(
        device.publicKey.export({ format: 'pem', type: 'spki' }),
      );
      expect(statSync(join(dir, `meter-${i}.key`)).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(dir).sort()).toHaveLength(4 + 6);
    expect(progress.at(-1)).toBe(3);
  });

  it('makes RSA keys with --key rsa', async () => {
    const o = options({ key: 'rsa', devices: [{ index: 0, type: 'meter' }] });
    await writeFleetCerts(o);
    expect(cert(o.outDir, 'meter-0.pem').publicKey.asymmetricKeyType).toBe('rsa');
  });

  it('refuses to replace an existing CA without force', async () => {
    const o = options({ devices: [] });
    await writeFleetCerts(o);
    const e = await toolErrorOf(writeFleetCerts(o));
    expect(e.code).toBe('FLEETSTORM_ERR_CLI_ARGUMENT');
    expect(e.where).toBe('--out');
    await writeFleetCerts({ ...o, force: true });
  });

  it('refuses a CN template with an unknown placeholder', async () => {
    const e = await toolErrorOf(writeFleetCerts(options({ cn: '{serial}' })));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toBe('--cn');
  });
});
