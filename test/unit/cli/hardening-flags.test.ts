// Bad flags end in one line and exit 2, never a stack trace (hardening, findings 11, 13 and the
// messages list): repeated one-value flags, empty or out-of-range values, negative values
// read as options, seeds beyond 2^53 - 1, multi-line yargs messages.
import { describe, expect, it } from 'vitest';
import { runMain } from '../../helpers/in-process.js';

const SCENARIO = 'test/fixtures/e2e/small.yaml';

function oneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error FLEETSTORM_ERR_[A-Z_]+: .*; fix: /);
  return lines[0] as string;
}

describe('repeated one-value flags', () => {
  it.each([
    ['--devices', '1', '2'],
    ['--seed', '1', '2'],
    ['--shard', '0/2', '1/2'],
    ['--workers', '1', '2'],
    ['--processes', '1', '2'],
    ['--profile', 'smoke', 'ci'],
    ['--out', 'a', 'b'],
    ['--metrics-port', '0', '0'],
  ])('%s given twice is refused', async (flag, a, b) => {
    const r = await runMain(['run', SCENARIO, flag, a, flag, b]);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toContain(`${flag}: given more than once`);
  });

  it('--target-mqtt may be repeated (a list of brokers)', async () => {
    const r = await runMain(['run', SCENARIO, '--target-mqtt', 'x', '--target-mqtt', 'y', '--workers', 'z']);
    expect(oneErrorLine(r.stderr)).toContain('--workers');
  });
});

describe('values', () => {
  it.each([
    [['--devices='], '--devices'],
    [['--metrics-port', '99999'], '--metrics-port: not a TCP port'],
    [['--metrics-port', '-1'], '--metrics-port: not a TCP port'],
    [['--metrics-port', 'abc'], '--metrics-port: not a TCP port'],
    [['--metrics-port', '80.5'], '--metrics-port: not a TCP port'],
    [['--shard', '-1/2'], '--shard'],
    [['--duration', '-5m'], '--duration'],
    [['--seed', '9007199254740993'], '(got "9007199254740993")'],
    [['--speed', '1e308'], '--speed'],
    [['--out', ''], '--out: empty folder name'],
    [['--mode', 'live', '--target-mqtt', 'mqtt://127.0.0.1:99999'], 'target mqtt'],
  ])('%j is one line naming the flag', async (args, expected) => {
    const r = await runMain(['run', SCENARIO, ...args]);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toContain(expected);
  });

  it('an unknown report action is one line', async () => {
    const r = await runMain(['report', 'frob', 'x.json']);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toContain('Choices');
  });
});

it('--out under /proc is exit 3 at once (it hung in a recursive mkdir)', { timeout: 60_000 }, async () => {
  const r = await runMain(['run', SCENARIO, '--quiet', '--out', '/proc/fleetstorm-x']);
  expect(r.code).toBe(3);
  expect(oneErrorLine(r.stderr)).toContain('FLEETSTORM_ERR_OUTPUT_DIR');
});

it.each([
  [['report', 'render', '/dev/zero']],
  [['replay', '/dev/zero']],
  [['k8s', 'render', '/dev/zero', '--shards', '2', '--image', 'x']],
])('%j is refused instead of read forever', async (argv) => {
  const r = await runMain(argv);
  expect(r.code).toBe(2);
  oneErrorLine(r.stderr);
});
