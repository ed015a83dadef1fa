// The calibrate command's error paths, through the CLI's error boundary: one line naming the
// flag and the fix, and the exit code of its kind (2: the command line; 3: the target). Real
// peers: a closed port, a mosquitto that refuses anonymous clients, a TLS mosquitto whose
// certificate the probe does not trust.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  mosquittoInstalled,
  startMosquitto,
  type MosquittoHandle,
} from '../../../bench/lib/mosquitto.js';
import { runMain } from '../../helpers/in-process.js';
import { makeCerts, type CertDir } from '../transports/tls-broker.js';

const FAST = ['--step', '250ms', '--max-connections', '20', '--quiet'];

describe('fleetstorm calibrate: errors', () => {
  let broker: MosquittoHandle | null = null;
  let certs: CertDir | null = null;
  let out: string | null = null;
  afterEach(async () => {
    await broker?.stop();
    certs?.remove();
    if (out !== null) rmSync(out, { recursive: true, force: true });
    broker = null;
    certs = null;
    out = null;
  });
  const outDir = (): string => (out = mkdtempSync(join(tmpdir(), 'fleetstorm-cal-err-')));

  it('refuses a command line it cannot run (exit 2), before any traffic', async () => {
    const none = await runMain(['calibrate', '--quiet']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/FLEETSTORM_ERR_CLI_ARGUMENT: --target-mqtt: name the broker to calibrate/);
    const many = await runMain([
      'calibrate',
      '--target-mqtt',
      'mqtt://127.0.0.1:1',
      '--max-connections',
      '20000',
    ]);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--max-connections: one process holds fewer than 19,000 sockets');
    const step = await runMain(['calibrate', '--target-mqtt', 'mqtt://127.0.0.1:1', '--step', '10m']);
    expect(step.code).toBe(2);
    expect(step.stderr).toContain('--step: not a step length');
    expect(many.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unreachable broker is one line naming --target-mqtt (exit 3)', async () => {
    const port = await freePort();
    const r = await runMain([
      'calibrate',
      '--target-mqtt',
      `mqtt://127.0.0.1:${port}`,
      '--out',
      outDir(),
      ...FAST,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^error FLEETSTORM_ERR_TARGET_UNREACHABLE: --target-mqtt: .*ECONNREFUSED.*; fix: /,
    );
  });

  it.skipIf(!mosquittoInstalled())(
    'a broker refusing the credentials is one line with the fix (exit 3)',
    async () => {
      broker = await startMosquitto({ extraConfig: ['allow_anonymous false'] });
      const r = await runMain(['calibrate', '--target-mqtt', broker.url, '--out', outDir(), ...FAST]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /FLEETSTORM_ERR_TARGET_REFUSED: --target-mqtt: the broker refused the credentials/,
      );
      expect(r.stderr).toContain("a user and password in --target-mqtt's URL");
    },
    60_000,
  );

  it.skipIf(!mosquittoInstalled())(
    'a certificate the probe does not trust is a TLS line (exit 3)',
    async () => {
      certs = await makeCerts(0);
      broker = await startMosquitto({
        tls: { certFile: join(certs.dir, 'server.pem'), keyFile: join(certs.dir, 'server.key') },
      });
      const r = await runMain(['calibrate', '--target-mqtt', broker.url, '--out', outDir(), ...FAST]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /FLEETSTORM_ERR_TARGET_REFUSED: --target-mqtt: the TLS handshake with the broker failed \(got "tls_UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
      );
      expect(r.stderr).toContain('target.tls.ca');
    },
    60_000,
  );
});
