// Every exit code of DESIGN §8, asserted by spawning bin/fleetstorm.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fleetstorm-e2e-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function report(dir: string): { status: string; verdict: string; replay: string; warnings: string[] } {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
}

describe('exit codes', () => {
  it('0: thresholds pass, report written', async () => {
    const out = outDir();
    const r = await runCli(['run', 'test/fixtures/e2e/small.yaml', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('verdict: PASSED');
    // once: at the end of the summary, not again on stderr
    expect(r.stdout.match(/replay: /g)).toHaveLength(1);
    expect(r.stdout).toContain('replay: fleetstorm run test/fixtures/e2e/small.yaml --seed 7');
    expect(r.stderr).not.toContain('replay:');
    expect(report(out).verdict).toBe('passed');
  });

  it('1: a threshold fails', async () => {
    const out = outDir();
    const r = await runCli(['run', 'test/fixtures/e2e/failing.yaml', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(report(out).verdict).toBe('failed');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<failure');
  });

  it('2: an invalid scenario prints one line naming file and field', async () => {
    const r = await runCli(['run', 'test/fixtures/invalid/unknown-key.yaml', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/FLEETSTORM_ERR_SCENARIO_INVALID: test\/fixtures\/invalid\/unknown-key\.yaml: /);
  });

  it('2: a bad flag', async () => {
    const r = await runCli(['run', 'test/fixtures/e2e/small.yaml', '--shard', '3/2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FLEETSTORM_ERR_CLI_ARGUMENT: --shard');
  });

  it('3: the report directory cannot be written', async () => {
    const file = join(outDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const r = await runCli(['run', 'test/fixtures/e2e/small.yaml', '--out', join(file, 'report'), '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('FLEETSTORM_ERR_OUTPUT_DIR');
  });

  it('4: an abort threshold stops the run early', async () => {
    const out = outDir();
    const r = await runCli(['run', 'test/fixtures/e2e/abort.yaml', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(4);
    const rep = report(out);
    expect(rep.status).toBe('aborted');
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).reachedUs).toBeLessThan(6 * 3600e6);
  });

  it('70: a worker crash still writes the partial report and the replay line', async () => {
    const out = outDir();
    const r = await runCli(['run', 'test/fixtures/e2e/small.yaml', '--out', out, '--quiet'], {
      env: { FLEETSTORM_SELFTEST_CRASH_AT_US: String(3600e6) },
    });
    expect(r.code).toBe(70);
    expect(r.stderr).toContain('replay: fleetstorm run');
    const rep = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(rep.status).toBe('crashed');
    expect(rep.reachedUs).toBe(3600e6);
    expect(rep.metrics.counters.mqtt_connect_success_total).toBeGreaterThan(0);
  });

  it('130: SIGINT stops the run and writes a partial report marked interrupted', async () => {
    const out = outDir();
    let sent = false;
    const r = await runCli(['run', 'test/fixtures/e2e/long.yaml', '--out', out], {
      onStderr: (chunk, child) => {
        if (!sent && chunk.includes('fleetstorm ')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.code, r.stderr).toBe(130);
    const rep = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(rep.status).toBe('interrupted');
    expect(rep.reachedUs).toBeGreaterThan(0);
    expect(rep.reachedUs).toBeLessThan(3 * 86400e6);
    expect(rep.warnings.join(' ')).toContain('interrupted');
  });

  it('ota-rollout under smoke: warned about first (and in --json); exit 2 under --strict', async () => {
    const out = outDir();
    const args = ['run', 'scenarios/ota-rollout.yaml', '--profile', 'smoke', '--out', out, '--quiet'];
    const r = await runCli([...args, '--no-html', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const line = JSON.parse(r.stdout) as { warnings: string[] };
    expect(line.warnings[0]).toBe(
      'rollout 1.5.0 starts at 1h, after the run ends (10m): no device is offered it',
    );
    const strict = await runCli([...args, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(
      'error FLEETSTORM_ERR_SCENARIO_VACUOUS: scenarios/ota-rollout.yaml: rollout.start:',
    );
  });
});
