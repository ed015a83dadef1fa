// Nothing half-written and nothing left behind (hardening, findings 9 and 17): artifacts are
// written whole or not at all and a failure names what was not written; a run that fails before
// writing leaves no empty folders; a report folder under /proc is an error, not a hang.
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { makeDirs, removeEmptyDirs } from '../../src/reports/atomic-write.js';
import { reportToJson } from '../../src/reports/json.js';
import { writeReportFiles } from '../../src/reports/write-report.js';
import { loadScenario } from '../../src/scenario/index.js';
import { freePort } from '../../bench/lib/mosquitto.js';
import { toolErrorOf } from '../helpers/tool-error.js';
import { reportFrom, seededAggregator } from '../unit/reports/fixtures.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-artifacts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const report = reportFrom({ agg: seededAggregator(4) });

describe('writing a report folder', () => {
  it('writes what it can, names what it could not, and leaves no temporary file', async () => {
    await mkdir(join(dir, 'report.html')); // cannot be replaced by a file
    const e = await toolErrorOf(writeReportFiles(report, dir, { html: () => '<html></html>' }));
    expect(e.code).toBe('FLEETSTORM_ERR_OUTPUT_DIR');
    expect(e.message).toMatch(
      /^could not write report\.html \(E[A-Z]+\); written: report\.json, summary\.txt/,
    );
    expect(await readFile(join(dir, 'report.json'), 'utf8')).toBe(reportToJson(report));
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a folder under /proc is an error at once (recursive mkdir never returned there)', async () => {
    const e = await toolErrorOf(writeReportFiles(report, '/proc/fleetstorm-x/y'));
    expect(e.code).toBe('FLEETSTORM_ERR_OUTPUT_DIR');
  });

  it('removes only the empty folders it made', async () => {
    const made = await makeDirs(join(dir, 'a', 'b', 'c'));
    expect(made).toEqual([join(dir, 'a'), join(dir, 'a', 'b'), join(dir, 'a', 'b', 'c')]);
    await mkdir(join(dir, 'a', 'keep'));
    await removeEmptyDirs(made);
    expect(await readdir(join(dir, 'a'))).toEqual(['keep']);
  });
});

describe('a run that fails before writing', () => {
  it('leaves no empty report folder behind', async () => {
    const s = await loadScenario('test/fixtures/e2e/small.yaml', {
      env: {},
      overrides: { mode: 'live', targetMqtt: [`mqtt://127.0.0.1:${await freePort()}`] },
    });
    const out = join(dir, 'reports', 'run-1');
    const e = await toolErrorOf(runResolved(s, { outDir: out }));
    expect(e.code).toBe('FLEETSTORM_ERR_TARGET_UNREACHABLE');
    expect(await readdir(dir)).toEqual([]);
  });
});
