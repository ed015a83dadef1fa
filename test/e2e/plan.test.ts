// `fleetstorm plan` as a user runs it (needs `npm run build`): machine-readable envelope with
// --json, a host name that does not resolve as one line with exit 3, a limit breach as exit 2.
// Nothing listens on the targets named here: plan sends nothing.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function scenarioFile(limits: string): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-plan-'));
  const file = join(dir, 'plan.yaml');
  await writeFile(
    file,
    [
      'name: plan-e2e',
      'mode: live',
      'duration: 1m',
      'fleet: [{ device: gateway, count: 100 }]',
      'power-on: { spread: 10s }',
      'live: { speed: 10 }',
      'target:',
      '  mqtt: mqtt://broker.staging.test:1883',
      `  limits: { ${limits} }`,
    ].join('\n'),
  );
  return file;
}

it('prints the located target and the envelope as JSON', async () => {
  const file = await scenarioFile('connections: 500');
  const r = await runCli(['plan', file, '--json', '--resolve', 'broker.staging.test:127.0.0.2']);
  expect(r.code).toBe(0);
  const plan = JSON.parse(r.stdout) as {
    targets: { host: string; addresses: string[]; via: string }[];
    peaks: Record<string, { value: number; atUs: number }>;
    resolutionRealSec: number;
    limits: { key: string; ok: boolean }[];
  };
  expect(plan.targets).toEqual([
    expect.objectContaining({ host: 'broker.staging.test', addresses: ['127.0.0.2'], via: 'resolve' }),
  ]);
  expect(plan.resolutionRealSec).toBe(1);
  expect(plan.peaks.connections?.value).toBe(100);
  // 100 devices over 10 virtual s at speed 10: all in the first real second
  expect(plan.peaks.connectsPerSec?.value).toBe(100);
  expect(plan.limits).toEqual([expect.objectContaining({ key: 'connections', ok: true })]);
}, 30_000);

it('a host name that does not resolve: one line, exit 3', async () => {
  const file = await scenarioFile('connections: 500');
  const r = await runCli(['plan', file, '--target-mqtt', 'mqtt://broker.fleetstorm.invalid:1883']);
  expect(r.code).toBe(3);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/FLEETSTORM_ERR_TARGET_UNREACHABLE.*broker\.fleetstorm\.invalid.*--resolve/);
}, 30_000);

it('a peak above a limit: the plan, then one error line naming limit and peak, exit 2', async () => {
  const file = await scenarioFile("'connect-rate': 50/s");
  const r = await runCli(['plan', file, '--resolve', 'broker.staging.test:127.0.0.2']);
  expect(r.code).toBe(2);
  expect(r.stdout).toContain('peak connects/s');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/FLEETSTORM_ERR_TARGET_LIMIT.*target\.limits\.connect-rate.*100\/s.*50\/s/);
}, 30_000);

it('run prints the same plan lines first and refuses a limit breach before connecting (exit 2)', async () => {
  const file = await scenarioFile("'connect-rate': 50/s");
  const out = join(dir as string, 'report');
  const r = await runCli(['run', file, '--resolve', 'broker.staging.test:127.0.0.2', '--out', out]);
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^plan: plan-e2e, 100 devices/);
  expect(r.stderr).toContain('plan: target mqtt broker.staging.test:1883 → 127.0.0.2 (--resolve)');
  expect(r.stderr).toContain('plan: limit connect-rate 50/s: peak 100/s EXCEEDS');
  expect(lines.at(-1)).toMatch(/^error FLEETSTORM_ERR_TARGET_LIMIT/);
  expect(existsSync(out)).toBe(false);
}, 30_000);
