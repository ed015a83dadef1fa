// TLS end to end through bin/fleetstorm: `fleetstorm certs --scenario` writes exactly the fleet's
// certificates, a mosquitto that requires one per device (CN as username, per-device ACL) lets
// every device in; a CA that is not the broker's fails every connect as `tls` with the
// certificate error kept in report.json; `insecure: true` connects and warns; a made-up name on a
// loopback alias (`--resolve broker.staging.test:127.0.0.2`) is checked against the certificate.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoInstalled, type MosquittoHandle } from '../../bench/lib/mosquitto.js';
import { startCertBroker } from '../integration/transports/tls-broker.js';
import { runCli } from '../helpers/cli.js';
import { RUN_END_DETAIL } from '../../src/live/connect-errors.js';

const DEVICES = 6;
let dir = '';
let broker: MosquittoHandle | null = null;
let aliasBroker: MosquittoHandle | null = null;

interface RunReport {
  metrics: { counters: Record<string, number> };
  warnings: string[];
  live?: { connectErrors: { reason: string; detail: string; count: number }[] };
}

function scenario(name: string, url: string, tls: string): string {
  const file = join(dir, `${name}.yaml`);
  const lines = [
    `name: ${name}`,
    'seed: 3',
    'mode: live',
    'duration: 2m',
    'power-on: { spread: 10s }',
    'live: { speed: 60 }',
    `target: { mqtt: "${url}", tls: ${tls} }`,
    'fleet:',
    `  - count: ${DEVICES}`,
    '    device:',
    '      name: meter',
    '      extends: gateway',
    '      telemetry: { interval: 20s }',
    '      connectivity: { client-id: "{id}", tls: { cert: "certs/{id}.pem", key: "certs/{id}.key" } }',
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function readReport(out: string): RunReport {
  return JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
}

async function run(file: string, name: string, extra: string[] = []) {
  const out = join(dir, `out-${name}`);
  const r = await runCli(['run', file, '--out', out, '--quiet', '--no-html', ...extra]);
  expect([0, 1], r.stderr).toContain(r.code);
  return { r, report: readReport(out) };
}

/**
 * Every described connect failure is the certificate error `code`; the one other entry a slow
 * machine may add is a handshake still under way when the run ended.
 */
function expectTlsFailures(report: RunReport, code: string): void {
  const [first, ...rest] = report.live?.connectErrors ?? [];
  expect(first).toEqual(expect.objectContaining({ reason: 'tls', detail: expect.stringContaining(code) }));
  for (const e of rest)
    expect(e).toEqual(expect.objectContaining({ reason: 'timeout', detail: RUN_END_DETAIL }));
}

function allReadable(path: string): void {
  chmodSync(path, 0o755); // mosquitto started as root reads these as its own user
  for (const f of readdirSync(path)) chmodSync(join(path, f), 0o644);
}

describe.skipIf(!mosquittoInstalled())('TLS with per-device certificates, end to end', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fs-tls-e2e-'));
    chmodSync(dir, 0o755);
    // the fleet's ids come from the scenario (its URL is not used by `certs`)
    const fleet = scenario('fleet', 'mqtts://127.0.0.1:1', '{ ca: certs/ca.pem }');
    const certs = await runCli(['certs', '--out', join(dir, 'certs'), '--scenario', fleet]);
    expect(certs.code, certs.stderr).toBe(0);
    const other = await runCli(['certs', '--out', join(dir, 'other'), '--devices', '0']);
    expect(other.code, other.stderr).toBe(0);
    const alias = await runCli([
      'certs',
      '--out',
      join(dir, 'alias'),
      '--devices',
      '0',
      '--server-name',
      'broker.staging.test',
    ]);
    expect(alias.code, alias.stderr).toBe(0);
    for (const d of ['certs', 'other', 'alias']) allReadable(join(dir, d));
    broker = await startCertBroker({ dir: join(dir, 'certs') });
    // the alias broker trusts the fleet's CA but shows a certificate for broker.staging.test only
    writeFileSync(join(dir, 'alias', 'server-ca.pem'), readFileSync(join(dir, 'alias', 'ca.pem')));
    writeFileSync(join(dir, 'alias', 'ca.pem'), readFileSync(join(dir, 'certs', 'ca.pem')));
    aliasBroker = await startCertBroker({ dir: join(dir, 'alias') }, '127.0.0.2');
  }, 60_000);

  afterAll(async () => {
    await broker?.stop();
    await aliasBroker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('`certs --scenario` writes one certificate and key per device of the fleet', () => {
    const files = readdirSync(join(dir, 'certs'));
    for (let i = 0; i < DEVICES; i++)
      expect(files).toEqual(expect.arrayContaining([`meter-${i}.pem`, `meter-${i}.key`]));
    expect(files.filter((f) => f.endsWith('.pem'))).toHaveLength(DEVICES + 2); // + ca.pem, server.pem
  });

  it('every device connects with its own certificate', async () => {
    const file = scenario('own', `mqtts://127.0.0.1:${broker?.port}`, '{ ca: certs/ca.pem }');
    const { report } = await run(file, 'own');
    const c = report.metrics.counters;
    expect(c.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expect(c['mqtt_connect_failed_total{reason="tls"}'] ?? 0).toBe(0);
    expect(c.mqtt_publish_acked_total).toBeGreaterThan(0);
    // the subscriber has no certificate of its own here: the warning says why it is missing
    expect(report.warnings.join('\n')).toContain(
      'its TLS handshake failed: ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    );
  });

  it('a CA that is not the broker’s fails as tls with verification on, the certificate error kept', async () => {
    const file = scenario('wrong-ca', `mqtts://127.0.0.1:${broker?.port}`, '{ ca: other/ca.pem }');
    const { report } = await run(file, 'wrong-ca');
    const c = report.metrics.counters;
    expect(c.mqtt_connect_success_total ?? 0).toBe(0);
    expect(c['mqtt_connect_failed_total{reason="tls"}']).toBeGreaterThanOrEqual(DEVICES);
    expectTlsFailures(report, 'SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('insecure: true connects without verification and warns on stderr and in the report', async () => {
    const file = scenario(
      'insecure',
      `mqtts://127.0.0.1:${broker?.port}`,
      '{ ca: other/ca.pem, insecure: true }',
    );
    const { r, report } = await run(file, 'insecure');
    expect(report.metrics.counters.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expect(r.stderr).toMatch(/warning: target\.tls\.insecure/);
    expect(report.warnings.some((w) => w.startsWith('target.tls.insecure'))).toBe(true);
  });

  it('--resolve keeps the name for TLS: broker.staging.test on 127.0.0.2 is verified by name', async () => {
    const url = `mqtts://broker.staging.test:${aliasBroker?.port}`;
    const file = scenario('alias', url, '{ ca: alias/server-ca.pem }');
    const { report } = await run(file, 'alias', ['--resolve', 'broker.staging.test:127.0.0.2']);
    expect(report.metrics.counters.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    // the same address under the name it is not certified for fails the name check
    const bare = scenario(
      'alias-bare',
      `mqtts://127.0.0.2:${aliasBroker?.port}`,
      '{ ca: alias/server-ca.pem }',
    );
    const failed = await run(bare, 'alias-bare');
    expectTlsFailures(failed.report, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
