// target.tls and connectivity.tls as the resolver and the run-time loader read them: paths kept as
// written (relative to the scenario file), a certificate without its key refused with the field,
// a bad device template refused at load time, files that are missing or not PEM refused with
// FLEETSTORM_ERR_TLS_FILE naming the field, and every device's files checked before a run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFleetCerts } from '../../../src/certs/write-fleet.js';
import { DeviceCertificates, loadTargetTls } from '../../../src/live/tls-files.js';
import { resolveScenarioObject } from '../../../src/scenario/index.js';
import { insecureWarning } from '../../../src/scenario/resolve-tls.js';
import { toolErrorOf } from '../../helpers/tool-error.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const scenario = (target: Record<string, unknown>, connectivity: Record<string, unknown> = {}) => ({
  name: 't',
  mode: 'live',
  duration: '1m',
  fleet: [{ device: { name: 'meter', extends: 'gateway', connectivity }, count: 3 }],
  target: { mqtt: 'mqtts://broker.staging.test:8883', ...target },
});

const resolve = (obj: unknown) => resolveScenarioObject(obj, 'mem.yaml', { env: {}, baseDir: 'scenarios' });

describe('target.tls and connectivity.tls', () => {
  it('keeps paths as written and defaults to verification on', async () => {
    const s = await resolve(
      scenario(
        { tls: { ca: 'certs/ca.pem', alpn: 'mqtt' } },
        { tls: { cert: 'certs/{id}.pem', key: 'certs/{id}.key' } },
      ),
    );
    expect(s.target.tls).toEqual({
      ca: 'certs/ca.pem',
      servername: null,
      insecure: false,
      cert: null,
      key: null,
      alpn: ['mqtt'],
    });
    expect(s.deviceTypes.meter?.connectivity.tls).toEqual({
      certTemplate: 'certs/{id}.pem',
      keyTemplate: 'certs/{id}.key',
    });
    expect(insecureWarning(s.target.tls)).toBeNull();
  });

  it('refuses a client certificate without its key, naming the field', async () => {
    const e = await toolErrorOf(resolve(scenario({ tls: { cert: 'fleet.pem' } })));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toBe('mem.yaml: target.tls.key');
  });

  it('refuses a device certificate template with an unknown placeholder at load time', async () => {
    const e = await toolErrorOf(resolve(scenario({}, { tls: { cert: 'certs/{name}.pem', key: 'k' } })));
    expect(e.code).toBe('FLEETSTORM_ERR_SCENARIO_INVALID');
    expect(e.where).toContain('connectivity.tls.cert');
  });

  it('warns for insecure: true', async () => {
    const s = await resolve(scenario({ tls: { insecure: true } }));
    expect(insecureWarning(s.target.tls)).toMatch(
      /^target\.tls\.insecure: the server certificate is NOT verified/,
    );
  });

  it('fails a missing or unusable TLS file with FLEETSTORM_ERR_TLS_FILE naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-tls-unit-'));
    dirs.push(dir);
    const tls = { ca: 'nope.pem', servername: null, insecure: false, cert: null, key: null, alpn: [] };
    const missing = (() => {
      try {
        loadTargetTls(tls, dir);
      } catch (e) {
        return e as { code: string; where: string; got: string };
      }
      throw new Error('expected a ToolError');
    })();
    expect(missing).toMatchObject({ code: 'FLEETSTORM_ERR_TLS_FILE', where: 'target.tls.ca' });
    expect(missing.got).toContain(join(dir, 'nope.pem'));
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    expect(() => loadTargetTls({ ...tls, ca: 'junk.pem' }, dir)).toThrow(/not a usable PEM/);
    expect(loadTargetTls({ ...tls, ca: null, insecure: true }, dir)).toEqual({ rejectUnauthorized: false });
  });

  it('checks every device’s files before a run and builds a context per device when it connects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-tls-unit-'));
    dirs.push(dir);
    await writeFleetCerts({
      outDir: join(dir, 'certs'),
      devices: [0, 1].map((index) => ({ index, type: 'meter' })),
      cn: '{id}',
      days: 1,
      key: 'ec',
      serverNames: ['localhost'],
      nowMs: Date.now(),
      force: false,
    });
    const s = await resolve(scenario({}, { tls: { cert: 'certs/{id}.pem', key: 'certs/{id}.key' } }));
    const certs = DeviceCertificates.of([s.deviceTypes.meter as never], dir, undefined, 'run1');
    expect(certs).not.toBeNull();
    expect(certs?.contextFor(1, 0)).toBeDefined();
    certs?.assertPresent(1, 0);
    const e = await toolErrorOf(() => certs?.assertPresent(2, 0));
    expect(e.code).toBe('FLEETSTORM_ERR_TLS_FILE');
    expect(e.where).toBe('device-types.meter.connectivity.tls.cert');
    expect(e.got).toBe(join(dir, 'certs', 'meter-2.pem'));
    expect(certs?.contextFor(2, 0)).toBeUndefined(); // read when it connects: counted, not thrown
    expect(certs?.failures).toBe(1);
  });
});
