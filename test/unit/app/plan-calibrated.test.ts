// `fleetstorm plan` on a scenario whose backend comes from a calibration: the calibrated figures
// it uses, and whether the fleet's offered connect peak stays within the calibrated rate.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMain } from '../../helpers/in-process.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-plan-cal-'));
  const calibration = [
    'calibration:',
    '  taken-at: "2026-11-27T20:31:04.120Z"',
    '  fleetstorm-version: "0.9.0"',
    '  targets: { mqtt: ["mqtt://broker.staging.test:1883"] }',
    '  stopped-by: knee',
    'backend:',
    '  connect: { rate: 20/s, burst: 20, queue: 100, max-sessions: 5000 }',
    '  ingest: { rate: 6000/s }',
  ].join('\n');
  await writeFile(join(dir, 'backend.calibrated.yaml'), calibration);
  const scenario = [
    'name: plan-cal',
    'duration: 1m',
    'fleet: [{ device: gateway, count: 600 }]',
    'power-on: { spread: 10s }',
    'backend: { from: backend.calibrated.yaml, brokers: 2 }',
  ].join('\n');
  await writeFile(join(dir, 'plan.yaml'), scenario);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('shows the calibrated figures and the connect peak against them', async () => {
  const text = await runMain(['plan', join(dir, 'plan.yaml')]);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(
    `plan: virtual backend calibrated from ${join(dir, 'backend.calibrated.yaml')}, taken 2026-11-27T20:31:04.120Z (stopped by knee)`,
  );
  expect(text.stdout).toContain('connect 40/s over 2 brokers, max sessions 10,000, ingest 12,000/s');
  expect(text.stdout).toMatch(/peak connects [\d,]+\/s virtual: EXCEEDS/); // 600 over 10 s ≫ 40/s
  const json = await runMain(['plan', join(dir, 'plan.yaml'), '--json']);
  const plan = JSON.parse(json.stdout) as {
    calibrated?: { connectRatePerSec: number; connectsWithin: boolean };
  };
  expect(plan.calibrated?.connectRatePerSec).toBe(40);
  expect(plan.calibrated?.connectsWithin).toBe(false);
});

it('a calibration its own load generator stopped is named as lower bounds', async () => {
  const file = join(dir, 'generator.calibrated.yaml');
  await writeFile(
    file,
    [
      'calibration:',
      '  taken-at: "2026-11-28T06:20:00.000Z"',
      '  fleetstorm-version: "0.9.0"',
      '  targets: { mqtt: ["mqtt://broker.staging.test:1883"] }',
      '  stopped-by: generator',
      'backend:',
      '  connect: { rate: 200/s }',
    ].join('\n'),
  );
  const scenario = join(dir, 'plan-generator.yaml');
  await writeFile(
    scenario,
    [
      'name: plan-gen',
      'duration: 1m',
      'fleet: [{ device: gateway, count: 60 }]',
      'backend: { from: generator.calibrated.yaml }',
    ].join('\n'),
  );
  const text = await runMain(['plan', scenario]);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(
    '(stopped by its own load generator: its rates are lower bounds, the model is slower than the target)',
  );
});
