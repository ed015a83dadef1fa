// A failed `--processes` run leaves nothing in the temporary folder (hardening, finding 17): the
// children's reports move into the run's own report folder, `<out>/processes/`.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runResolved } from '../../../src/app/run.js';
import { liveScenario } from './live-helpers.js';

const CRASH_ENV = ['FLEETSTORM_SELFTEST_CRASH_AT_US', 'FLEETSTORM_SELFTEST_CRASH_SHARD'] as const;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const k of CRASH_ENV) delete process.env[k];
  for (const c of cleanups.splice(0)) await c();
});

const NAME = 'procs-cleanup-probe';

/** Temporary folders of this test's run (other tests may run `--processes` meanwhile). */
async function ourProcsDirs(): Promise<string[]> {
  const dirs = (await readdir(tmpdir())).filter((d) => d.startsWith('fleetstorm-procs-'));
  const ours: string[] = [];
  for (const d of dirs) {
    const text = await readFile(join(tmpdir(), d, 'proc-0', 'scenario.json'), 'utf8').catch(() => '');
    if (text.includes(NAME)) ours.push(d);
  }
  return ours;
}

it(
  "keeps a crashed run's shard reports in <out>/processes and no temporary folder",
  { timeout: 60_000 },
  async () => {
    const out = await mkdtemp(join(tmpdir(), 'fleetstorm-cleanup-out-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const base = await liveScenario({ devices: 20, duration: '3m', speed: 60 });
    const s = { ...base, name: NAME, live: { ...base.live, processes: 2 } };
    process.env.FLEETSTORM_SELFTEST_CRASH_AT_US = String(120e6);
    process.env.FLEETSTORM_SELFTEST_CRASH_SHARD = '1';
    const { report, exitCode } = await runResolved(s, { outDir: join(out, 'run'), html: false });
    expect(exitCode).toBe(70);
    expect(report.statusReason).toContain(`shard reports kept in ${join(out, 'run', 'processes')}`);
    expect((await readdir(join(out, 'run', 'processes'))).sort()).toEqual(['proc-0', 'proc-1']);
    expect(await ourProcsDirs()).toEqual([]);
  },
);
