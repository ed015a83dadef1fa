// `kill -9` of a `--processes` parent leaves no child running to the end (hardening, finding
// 17): each child watches a pipe from its parent and exits when it closes.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, rounds: number): Promise<boolean> {
  for (let i = 0; i < rounds; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

it('children exit when the parent is killed with SIGKILL', { timeout: 90_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'fleetstorm-orphans-'));
  cleanups.push(() => rmSync(out, { recursive: true, force: true }));
  const args = ['run', 'test/fixtures/e2e/small.yaml', '--mode', 'live', '--devices', '20'];
  // a parent killed with SIGKILL cannot remove its temporary folder: it goes under `out`
  const tmp = join(out, 'tmp');
  mkdirSync(tmp);
  const parent = spawn(
    process.execPath,
    [BIN, ...args, '--duration', '1h', '--speed', '1', '--processes', '2', '--out', out, '--quiet'],
    { cwd: ROOT, stdio: 'ignore', env: { ...process.env, TMPDIR: tmp } },
  );
  const pid = parent.pid as number;
  let kids: number[] = [];
  cleanups.push(() => {
    for (const k of [pid, ...kids]) if (alive(k)) process.kill(k, 'SIGKILL');
  });
  expect(await until(() => (kids = childrenOf(pid)).length === 2, 120)).toBe(true);
  process.kill(pid, 'SIGKILL');
  expect(await until(() => kids.every((k) => !alive(k)), 120)).toBe(true);
});
