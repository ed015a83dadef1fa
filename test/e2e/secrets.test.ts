// Credentials against a real broker, and the one redaction rule proven by planting secrets:
// mosquitto with `allow_anonymous false` and a mosquitto_passwd file, the password given as
// `${env:…}` (every device connects) or wrong (none does), passwords in target URLs, in live and
// virtual mode; then every file of the report folder, stdout and stderr are searched for them.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../bench/lib/mosquitto.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const DEVICES = 12;
const planted = (what: string): string => `pl4nt-${what}-${randomBytes(6).toString('hex')}`;
const SECRET = planted('env');
const URL_SECRET = planted('url');
const HTTP_SECRET = planted('http');
const PER_DEVICE_SEED = planted('dev');
const PER_DEVICE = (i: number): string => `${PER_DEVICE_SEED}-${i}`;

let dir = '';
let broker: MosquittoHandle | null = null;

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((n) => {
    const p = join(root, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every artifact and both output streams, searched for each planted value. */
function expectNowhere(r: CliResult, out: string, secrets: readonly string[]): void {
  const files = filesUnder(out);
  expect(files.map((f) => f.slice(out.length + 1))).toEqual(
    expect.arrayContaining(['report.json', 'summary.txt', 'junit.xml', 'report.html']),
  );
  const texts: [string, string][] = [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
    ...files.map((f): [string, string] => [f, readFileSync(f, 'latin1')]),
  ];
  for (const s of secrets)
    for (const [where, text] of texts) expect(text.includes(s), `${s} in ${where}`).toBe(false);
}

function report(out: string): {
  counters: Record<string, number>;
  scenario: Record<string, unknown>;
  replay: string;
} {
  const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
    metrics: { counters: Record<string, number> };
    scenario: Record<string, unknown>;
    replay: string;
  };
  return { counters: r.metrics.counters, scenario: r.scenario, replay: r.replay };
}

function scenario(name: string, connectivity: string, mode = 'live'): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'seed: 7',
      `mode: ${mode}`,
      'duration: 3m',
      'power-on: { spread: 20s }',
      'live: { speed: 60 }',
      'fleet:',
      `  - count: ${DEVICES}`,
      '    device:',
      '      name: meter',
      '      extends: gateway',
      '      telemetry: { interval: 30s }',
      `      connectivity: ${connectivity}`,
    ].join('\n'),
  );
  return file;
}

const run = (args: string[], env: Record<string, string> = {}) =>
  runCli(['run', ...args, '--quiet'], { env });

describe.skipIf(!mosquittoInstalled())('credentials against mosquitto (allow_anonymous false)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fs-secrets-'));
    chmodSync(dir, 0o755); // mosquitto started as root reads its files as the `mosquitto` user
    const pw = join(dir, 'passwd');
    writeFileSync(pw, '');
    // One user per device ({id}) with the shared password, and a user for the URL test.
    for (let i = 0; i < DEVICES; i++) execFileSync('mosquitto_passwd', ['-b', pw, `meter-${i}`, SECRET]);
    execFileSync('mosquitto_passwd', ['-b', pw, 'urluser', URL_SECRET]);
    // Per-device passwords, each in its own file next to the scenarios.
    mkdirSync(join(dir, 'pw'));
    for (let i = 0; i < DEVICES; i++) {
      execFileSync('mosquitto_passwd', ['-b', pw, `pd-meter-${i}`, PER_DEVICE(i)]);
      writeFileSync(join(dir, 'pw', `meter-${i}.txt`), `${PER_DEVICE(i)}\n`);
    }
    chmodSync(pw, 0o644);
    broker = await startMosquitto({ extraConfig: ['allow_anonymous false', `password_file ${pw}`] });
  }, 30_000);
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const target = (): string => (broker as MosquittoHandle).url;
  const ID = '{ username: "{id}", password: "${env:BROKER_PASSWORD}", client-id: "{id}-{seq}" }';

  it('the right password from ${env:…} connects every device; it is in no artifact', async () => {
    const out = join(dir, 'ok');
    const r = await run([scenario('env-ok', ID), '--target-mqtt', target(), '--out', out], {
      BROKER_PASSWORD: SECRET,
    });
    expect(r.code, r.stderr).toBe(0);
    const { counters, scenario: s } = report(out);
    expect(counters.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expect(counters.mqtt_delivered_total).toBeGreaterThan(0); // the subscriber logged in too
    expect(JSON.stringify(s)).toContain('${env:BROKER_PASSWORD}'); // the reference, not the value
    expectNowhere(r, out, [SECRET]);
  }, 60_000);

  it('--processes 2: every child reads the secret itself; the merged report holds none', async () => {
    const out = join(dir, 'procs');
    const r = await run(
      [scenario('env-procs', ID), '--target-mqtt', target(), '--processes', '2', '--out', out],
      {
        BROKER_PASSWORD: SECRET,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(report(out).counters.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expectNowhere(r, out, [SECRET]);
  }, 60_000);

  it('a password file per device (${file:pw/{id}.txt}) logs every device in as its own user', async () => {
    const out = join(dir, 'perdev');
    const r = await run([
      scenario('perdev', '{ username: "pd-{id}", password: "${file:pw/{id}.txt}" }'),
      '--target-mqtt',
      target(),
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(report(out).counters.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expectNowhere(r, out, [PER_DEVICE_SEED]);
  }, 60_000);

  it('a wrong password connects no device, and is in no artifact either', async () => {
    const out = join(dir, 'wrong');
    const wrong = planted('wrong');
    const r = await run([scenario('env-wrong', ID), '--target-mqtt', target(), '--out', out], {
      BROKER_PASSWORD: wrong,
    });
    expect([0, 1]).toContain(r.code);
    const { counters } = report(out);
    expect(counters.mqtt_connect_success_total ?? 0).toBe(0);
    expect(counters.mqtt_connect_attempts_total).toBeGreaterThanOrEqual(DEVICES);
    // mosquitto 2 answers a wrong password with return code 5; the summary says it in words.
    expect(counters['mqtt_connect_failed_total{reason="not_authorized"}']).toBeGreaterThanOrEqual(DEVICES);
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toMatch(/refused: not authorized/);
    expectNowhere(r, out, [wrong, SECRET]);
  }, 60_000);

  it('credentials in the target URLs (flag, environment) log in, shown as *** everywhere', async () => {
    const out = join(dir, 'url');
    const u = new URL(target());
    const withCreds = `mqtt://urluser:${URL_SECRET}@${u.host}`;
    const r = await run([scenario('url', '{}'), '--out', out], {
      FLEETSTORM_TARGET_MQTT: withCreds,
    });
    expect(r.code, r.stderr).toBe(0);
    const rep = report(out);
    expect(rep.counters.mqtt_connect_success_total).toBeGreaterThanOrEqual(DEVICES);
    expect(JSON.stringify(rep.scenario)).toContain('urluser:***@');
    expectNowhere(r, out, [URL_SECRET]);
  }, 60_000);

  it('virtual mode: secrets in URLs, ${env:…} and a literal password reach no artifact', async () => {
    const out = join(dir, 'virtual');
    const literal = planted('literal');
    const r = await run(
      [
        scenario('virtual', `{ username: u, password: "${literal}" }`, 'virtual'),
        '--target-mqtt',
        `mqtt://u:${URL_SECRET}@127.0.0.1:1883`,
        '--target-http',
        `http://u:${HTTP_SECRET}@127.0.0.1:8080`,
        '--out',
        out,
      ],
      { BROKER_PASSWORD: SECRET },
    );
    expect(r.code, r.stderr).toBe(0);
    expectNowhere(r, out, [URL_SECRET, HTTP_SECRET, literal]);
  }, 60_000);

  it('a missing variable is one line naming the field and the fix, before anything runs', async () => {
    const out = join(dir, 'missing');
    const r = await run([scenario('missing', ID), '--target-mqtt', target(), '--out', out], {
      BROKER_PASSWORD: '',
    });
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('FLEETSTORM_ERR_SECRET_UNAVAILABLE');
    expect(lines[0]).toContain('connectivity.password');
    expect(lines[0]).toContain('export BROKER_PASSWORD=');
  }, 30_000);
});

describe('replaying a report that reads secrets', () => {
  it('needs --allow-secrets: a report is untrusted and would send them to its target', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fs-replay-secrets-'));
    try {
      dir = tmp;
      const out = join(tmp, 'first');
      const env = { REPLAY_PW: planted('replay') };
      const first = await run(
        [scenario('replayed', '{ username: u, password: "${env:REPLAY_PW}" }', 'virtual'), '--out', out],
        env,
      );
      expect(first.code, first.stderr).toBe(0);
      const refused = await runCli(
        ['replay', join(out, 'report.json'), '--out', join(tmp, 'r1'), '--quiet'],
        { env },
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('FLEETSTORM_ERR_REPORT_INPUT');
      expect(refused.stderr).toContain('${env:REPLAY_PW}');
      expect(refused.stderr).toContain('--allow-secrets');
      const allowed = await runCli(
        ['replay', join(out, 'report.json'), '--allow-secrets', '--out', join(tmp, 'r2'), '--quiet'],
        { env },
      );
      expect(allowed.code, allowed.stderr).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
