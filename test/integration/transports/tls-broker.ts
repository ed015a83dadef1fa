// Test helpers for TLS brokers: certificates from `fleetstorm certs` (src/certs) and a private
// mosquitto that wants one client certificate per device (require_certificate, the certificate's
// CN as the username, an ACL that gives each device only its own `devices/<id>/#` subtree).
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { writeFleetCerts } from '../../../src/certs/write-fleet.js';
import { startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';

export interface CertDir {
  dir: string;
  ca: Buffer;
  /** A device's own secure context: its certificate and key, trusting this CA (or `ca`). */
  device(id: string, ca?: Buffer): tls.SecureContext;
  file(name: string): Buffer;
  remove(): void;
}

/** A CA, a server certificate for `serverNames` and `devices` client certificates `sensor-<i>`. */
export async function makeCerts(devices: number, serverNames = ['localhost', '127.0.0.1']): Promise<CertDir> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-certs-'));
  await writeFleetCerts({
    outDir: dir,
    devices: Array.from({ length: devices }, (_, index) => ({ index, type: 'sensor' })),
    cn: '{id}',
    days: 1,
    key: 'ec',
    serverNames,
    nowMs: Date.now(),
    force: false,
  });
  // mosquitto started as root reads these as its own user
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
  const file = (name: string): Buffer => readFileSync(join(dir, name));
  const ca = file('ca.pem');
  return {
    dir,
    ca,
    file,
    device: (id, trust = ca) =>
      tls.createSecureContext({ ca: trust, cert: file(`${id}.pem`), key: file(`${id}.key`) }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** mosquitto over TLS that requires a client certificate and uses its CN as the username. */
export async function startCertBroker(
  certs: Pick<CertDir, 'dir'>,
  host = '127.0.0.1',
): Promise<MosquittoHandle> {
  const acl = join(certs.dir, 'acl');
  writeFileSync(acl, 'pattern readwrite devices/%u/#\n');
  chmodSync(acl, 0o644);
  return startMosquitto({
    hosts: [host],
    tls: { certFile: join(certs.dir, 'server.pem'), keyFile: join(certs.dir, 'server.key') },
    extraConfig: [
      `cafile ${join(certs.dir, 'ca.pem')}`,
      'require_certificate true',
      'use_identity_as_username true',
      `acl_file ${acl}`,
    ],
  });
}
