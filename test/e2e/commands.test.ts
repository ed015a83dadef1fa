// The commands around a run: replay, report render/merge, validate, init, k8s render.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'fleetstorm-cmd-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const body = (dir: string): unknown => {
  const r = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  delete r.run;
  return r;
};

describe('commands', () => {
  it('replay re-runs a report to the identical body; report render rewrites the HTML', async () => {
    const a = tmp();
    const b = tmp();
    expect(
      (await runCli(['run', 'test/fixtures/e2e/small.yaml', '--out', a, '--quiet', '--no-html'])).code,
    ).toBe(0);
    const replay = await runCli(['replay', join(a, 'report.json'), '--out', b, '--quiet', '--no-html']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(body(b)).toEqual(body(a));
    const render = await runCli(['report', 'render', a]);
    expect(render.code, render.stderr).toBe(0);
    expect(readFileSync(join(a, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('a replayed report keeps the replay line of the run it replays (its flags included)', async () => {
    const a = tmp();
    const b = tmp();
    const argv = ['run', 'test/fixtures/e2e/small.yaml', '--devices', '300', '--duration', '40m'];
    const first = await runCli([...argv, '--out', a, '--quiet', '--no-html']);
    expect([0, 1], first.stderr).toContain(first.code);
    const again = await runCli(['replay', join(a, 'report.json'), '--out', b, '--quiet', '--no-html']);
    expect(again.code, again.stderr).toBe(first.code);
    const line = (JSON.parse(readFileSync(join(b, 'report.json'), 'utf8')) as { replay: string }).replay;
    expect(line).toContain('--devices 300 --duration 40m');
    expect(body(b)).toEqual(body(a));
  });

  it('the replay line names what the environment set, and re-runs to the identical body without it', async () => {
    const a = tmp();
    const b = tmp();
    const env = { FLEETSTORM_DEVICES: '300', FLEETSTORM_DURATION: '40m', FLEETSTORM_SCALE_BACKEND: '1' };
    const first = await runCli(['run', 'test/fixtures/e2e/small.yaml', '--out', a, '--quiet', '--no-html'], {
      env,
    });
    expect([0, 1], first.stderr).toContain(first.code);
    const line = /replay: fleetstorm (.*)/.exec(first.stdout)?.[1] ?? '';
    expect(line).toContain('--devices 300');
    expect(line).toContain('--duration 40m');
    expect(line).toContain('--scale-backend');
    const args = line.split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
    const again = await runCli([...args, '--out', b, '--quiet', '--no-html']);
    expect(again.code, again.stderr).toBe(first.code);
    expect(body(b)).toEqual(body(a));
  });

  it('report merge of shard runs exits like a run and writes the merged report', async () => {
    const s0 = tmp();
    const s1 = tmp();
    const merged = tmp();
    for (const [i, out] of [s0, s1].entries()) {
      const r = await runCli([
        'run',
        'test/fixtures/e2e/small.yaml',
        '--shard',
        `${i}/2`,
        '--out',
        out,
        '--quiet',
        '--no-html',
      ]);
      // each shard holds 1000 of the 2000 devices: `devices_total == 2000` fails per shard
      expect(r.code, r.stderr).toBe(1);
    }
    const m = await runCli([
      'report',
      'merge',
      join(s0, 'report.json'),
      join(s1, 'report.json'),
      '--out',
      merged,
      '--json',
    ]);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout).verdict).toBe('passed');
    expect(JSON.parse(readFileSync(join(merged, 'report.json'), 'utf8')).devices).toBe(2000);
    // one shard of two: an error, unless a partial merge is asked for (and then said)
    const missing = await runCli(['report', 'merge', join(s0, 'report.json'), '--out', tmp()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('1 of 2 shards given; missing shard 1');
    const partial = await runCli([
      'report',
      'merge',
      join(s0, 'report.json'),
      '--out',
      tmp(),
      '--allow-partial',
    ]);
    expect(partial.code, partial.stderr).toBe(1);
    expect(partial.stdout).toContain('partial merge (--allow-partial): 1 of 2 shards; missing shard 1');
  });

  it('init scaffolds a scenario that validates and runs', async () => {
    const dir = tmp();
    const init = await runCli(['init', '--name', 'demo', '--devices', '500', '--rollout', '--dir', dir]);
    expect(init.code, init.stderr).toBe(0);
    const scenario = join(dir, 'demo.yaml');
    expect(existsSync(scenario)).toBe(true);
    const v = await runCli(['validate', scenario]);
    expect(v.code, v.stderr).toBe(0);
    const again = await runCli(['init', '--name', 'demo', '--dir', dir]);
    expect(again.code).not.toBe(0);
  });

  it('validate reports every bad file and exits 2', async () => {
    const v = await runCli([
      'validate',
      'scenarios/quickstart.yaml',
      'test/fixtures/invalid/bad-duration.yaml',
    ]);
    expect(v.code).toBe(2);
    expect(v.stdout).toContain('1 valid, 1 invalid');
    expect(v.stderr).toContain('FLEETSTORM_ERR_SCENARIO_UNIT');
  });

  it('k8s render prints an Indexed Job and a merge Job', async () => {
    const r = await runCli([
      'k8s',
      'render',
      'scenarios/reconnect-storm.yaml',
      '--shards',
      '4',
      '--image',
      'registry.local/fleetstorm:1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as { kind: string; spec?: { completionMode?: string; completions?: number } },
    );
    const jobs = docs.filter((d) => d.kind === 'Job');
    expect(jobs.some((j) => j.spec?.completionMode === 'Indexed' && j.spec.completions === 4)).toBe(true);
    expect(jobs.length).toBe(2);
  });
});
