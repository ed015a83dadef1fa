// calibrate against a private mosquitto: through the command (a host that is not this machine
// by name, broker.staging.test → 127.0.0.2 with --resolve: the located target and the probe's
// envelope go to stderr first), its three files (the yaml valid against the calibration schema,
// the HTML with its step charts); and from a scenario whose target.limits bound every step.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { parseCalibration } from '../../../src/backend-model/calibration-file.js';
import { runMain } from '../../helpers/in-process.js';
import { runCalibration } from './calibrate-helpers.js';

const NAME = 'broker.staging.test';

describe.skipIf(!mosquittoInstalled())('calibrate against mosquitto', () => {
  let broker: MosquittoHandle | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await broker?.stop();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    broker = null;
    dir = null;
  });

  it('writes the three files and prints the guard-rail lines for a remote name', async () => {
    broker = await startMosquitto({ hosts: ['127.0.0.2'] });
    dir = mkdtempSync(join(tmpdir(), 'fleetstorm-cal-'));
    const out = join(dir, 'cal');
    const r = await runMain([
      'calibrate',
      '--target-mqtt',
      `mqtt://${NAME}:${broker.port}`,
      '--resolve',
      `${NAME}:127.0.0.2`,
      '--max-connections',
      '300',
      '--step',
      '500ms',
      '--out',
      out,
    ]);
    expect(r.stderr).not.toContain('error ');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`calibrate: target mqtt ${NAME}:${broker.port} → 127.0.0.2 (--resolve)`);
    expect(r.stderr).toContain('the probe offers at most 300 connections');
    expect(r.stderr).toMatch(/calibrate: connect step 1: offered 50\.0 connects\/s/);
    const file = parseCalibration(parse(readFileSync(join(out, 'backend.calibrated.yaml'), 'utf8')), 'cal');
    expect(file.calibration.targets.mqtt).toEqual([`mqtt://${NAME}:${broker.port}`]);
    expect(Object.keys(file.calibration.fits)).toEqual(
      expect.arrayContaining(['connect.rate', 'connect.max-sessions', 'ingest.rate', 'ingest.latency.p99']),
    );
    // 300 sessions never refused by mosquitto: a lower bound, never a made-up figure
    expect(file.calibration.fits['connect.max-sessions']).toMatchObject({
      value: 300,
      bound: 'lower',
      high: null,
    });
    const json = JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8')) as {
      probes: { probe: string; steps: { offered: number; achieved: number; p99Us: number | null }[] }[];
    };
    expect(json.probes.map((p) => p.probe)).toEqual(['connect', 'publish', 'sessions']);
    expect(json.probes[0]?.steps[0]?.p99Us).toBeGreaterThan(0);
    const html = readFileSync(join(out, 'calibration.html'), 'utf8');
    expect(html).toContain('data-chart="cal-connect-latency"');
    expect(html).toContain('p99 modelled');
    expect(r.stdout).toContain('connect.rate');
    expect(r.stdout).toContain(`use it: backend: { from: ${out}/backend.calibrated.yaml }`);
  }, 180_000);

  it('a password in the target URL is in none of its files and nothing it prints', async () => {
    broker = await startMosquitto(); // anonymous: any user and password are accepted
    dir = mkdtempSync(join(tmpdir(), 'fleetstorm-cal-'));
    const out = join(dir, 'cal');
    const planted = 'Pl4nted-S3cret-9q';
    const r = await runMain([
      'calibrate',
      '--target-mqtt',
      `mqtt://meter:${planted}@127.0.0.1:${broker.port}`,
      '--max-connections',
      '100',
      '--step',
      '300ms',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(planted);
    const files = ['backend.calibrated.yaml', 'calibration.json', 'calibration.html'];
    for (const f of files) {
      const text = readFileSync(join(out, f), 'utf8');
      expect(text.length).toBeGreaterThan(0);
      expect(text, f).not.toContain(planted);
    }
  }, 180_000);

  it('never offers past target.limits from --scenario, and says when they stopped it', async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'fleetstorm-cal-'));
    const scenario = join(dir, 'staging.yaml');
    const limits = { 'connect-rate': '100/s', 'publish-rate': '600/s', connections: 150 };
    writeFileSync(
      scenario,
      JSON.stringify({
        name: 'staging',
        mode: 'live',
        duration: '1m',
        fleet: [{ device: 'sensor', count: 1 }],
        target: { mqtt: broker.url, limits },
      }),
    );
    const r = await runCalibration(
      { targetMqtt: [], scenario },
      { maxConnections: 400, connectMaxPerSec: 20_000, publishMaxPerSec: 200_000 },
    );
    const offered = (probe: string): number[] =>
      r.probes.find((p) => p.probe === probe)?.steps.map((s) => s.record.offered) ?? [];
    expect(Math.max(...offered('connect'))).toBeLessThanOrEqual(100);
    expect(Math.max(...offered('publish'))).toBeLessThanOrEqual(600);
    expect(Math.max(...offered('sessions'))).toBeLessThanOrEqual(150);
    const sessions = r.probes.find((p) => p.probe === 'sessions');
    expect(sessions?.stoppedBy).toBe('limits');
    expect(r.stoppedBy).toBe('limits');
    for (const p of r.probes) expect(['knee', 'limits']).toContain(p.stoppedBy);
  }, 180_000);
});
