// `fleetstorm init --program`: the scaffolded program type-checks against the built package's
// public API, its scaffolded unit test passes under the user's own vitest run (fleetstorm/testing
// from dist, linked as node_modules/fleetstorm), the same test fails once the program is broken,
// and the scaffolded scenario runs the program.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

interface Run {
  code: number | null;
  out: string;
}

function node(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

async function userProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-init-program-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'node_modules'));
  // the user's project: fleetstorm installed (this package, built), vitest as their dev dependency
  await symlink(ROOT, join(dir, 'node_modules', 'fleetstorm'), 'dir');
  await symlink(join(ROOT, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'), 'dir');
  return dir;
}

describe('fleetstorm init --program', () => {
  it('scaffolds a typed program whose unit test passes, and fails once the program is broken', async () => {
    const dir = await userProject();
    const init = await runCli([
      'init',
      '--name',
      'home',
      '--program',
      'sensor',
      '--devices',
      '50',
      '--dir',
      dir,
    ]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      `unit-test the program: npx vitest run ${join(dir, 'devices', 'sensor.test.ts')}`,
    );
    for (const f of ['home.yaml', 'devices/sensor.yaml', 'devices/sensor.ts', 'devices/sensor.test.ts'])
      expect(existsSync(join(dir, f)), f).toBe(true);

    const tsc = await node(
      [
        TSC,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        'devices/sensor.ts',
        'devices/sensor.test.ts',
      ],
      dir,
    );
    expect(tsc.out).toBe('');
    expect(tsc.code).toBe(0);

    const passing = await node([VITEST, 'run', '--reporter', 'verbose'], dir);
    expect(passing.out).toMatch(/Tests\s+3 passed/);
    expect(passing.code, passing.out).toBe(0);

    // a typo in the sensor name: every reading throws, nothing is published
    const program = join(dir, 'devices', 'sensor.ts');
    const source = await readFile(program, 'utf8');
    expect(source).toContain("dev.sensor('temperature')");
    await writeFile(program, source.replace("dev.sensor('temperature')", "dev.sensor('temprature')"));
    const failing = await node([VITEST, 'run', '--reporter', 'verbose'], dir);
    expect(failing.out).toContain('publishes the average of its readings every 5 minutes');
    expect(failing.out).toMatch(/Tests\s+\d+ failed/);
    expect(failing.code).toBe(1);
  }, 240_000);

  it('scaffolds a scenario that runs the program on every device', async () => {
    const dir = await userProject();
    const init = await runCli(['init', '--name', 'home', '--program', '--devices', '20', '--dir', dir]);
    expect(init.code, init.stderr).toBe(0);
    // without a name, the program is named after the device type
    expect(existsSync(join(dir, 'devices', 'home-device.ts'))).toBe(true);
    const run = await runCli(['run', join(dir, 'home.yaml'), '--json', '--out', join(dir, 'report')]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'report', 'report.json'), 'utf8')) as {
      metrics: { counters: Record<string, number> };
    };
    const c = report.metrics.counters;
    expect(c.program_flash_writes_total).toBeGreaterThanOrEqual(20); // every device booted
    expect(c.program_callbacks_total).toBeGreaterThan(20 * 6 * 60 * 2); // 6 h of 30 s readings
    expect(c.program_errors_total).toBe(0);
  }, 240_000);
});
