import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors/tool-error.js';
import { parseReport, readReport } from '../../../src/reports/read-report.js';
import { reportToJson } from '../../../src/reports/json.js';
import { writeReportFiles } from '../../../src/reports/write-report.js';
import { reportFrom, seededAggregator } from './fixtures.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const report = reportFrom({ agg: seededAggregator(2) });

async function rejection(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error('expected a ToolError');
}

function parseError(value: unknown): ToolError {
  try {
    parseReport(typeof value === 'string' ? value : JSON.stringify(value), 'r.json');
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  throw new Error('expected a ToolError');
}

describe('writeReportFiles', () => {
  it('writes report.json, summary.txt, junit.xml, HDR logs and the HTML when given', async () => {
    const paths = await writeReportFiles(report, join(dir, 'out'), {
      html: (r) => `<html>${r.scenario.name}</html>`,
    });
    expect(paths.json).toBe(join(dir, 'out', 'report.json'));
    expect(paths.hdrLogs).toEqual([
      join(dir, 'out', 'hdr', 'mqtt_connect_duration_us.hlog'),
      join(dir, 'out', 'hdr', 'mqtt_publish_ack_duration_us.hlog'),
    ]);
    expect(await readFile(paths.json, 'utf8')).toBe(reportToJson(report));
    expect(await readFile(paths.summary, 'utf8')).toContain('replay: fleetstorm run');
    expect(await readFile(paths.junit, 'utf8')).toContain('<testsuites');
    expect(await readFile(paths.html ?? '', 'utf8')).toBe('<html>unit-fixture</html>');
  });

  it('writes no HTML without a renderer', async () => {
    expect((await writeReportFiles(report, dir)).html).toBeNull();
  });

  it('reports an unwritable directory as FLEETSTORM_ERR_OUTPUT_DIR', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const e = await rejection(writeReportFiles(report, join(dir, 'file', 'sub')));
    expect(e.code).toBe('FLEETSTORM_ERR_OUTPUT_DIR');
  });
});

describe('readReport', () => {
  it('reads back what was written, from the file or its directory', async () => {
    await writeReportFiles(report, dir);
    expect(await readReport(join(dir, 'report.json'))).toEqual(report);
    expect(await readReport(dir)).toEqual(report);
  });

  it('says when the file is missing', async () => {
    const e = await rejection(readReport(join(dir, 'nope.json')));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.toLine()).toBe(
      `error FLEETSTORM_ERR_REPORT_INPUT: ${join(dir, 'nope.json')}: file not found; fix: pass a report.json, or the report directory that holds it`,
    );
  });

  it('says when the file is not JSON', () => {
    const e = parseError('{ "schemaVersion": 1,');
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toMatch(/^not valid JSON/);
    expect(e.where).toBe('r.json');
  });

  it.each([
    [{ ...report, schemaVersion: 2 }, 'schemaVersion must be 1 (the version this fleetstorm reads)'],
    [{ ...report, tool: { name: 'k6', version: '1' } }, 'tool.name must be "fleetstorm"'],
    [{ ...report, status: 'done' }, 'status must be one of completed, interrupted, aborted, crashed'],
    [
      { ...report, metrics: { ...report.metrics, counters: { x: 'many' } } },
      'metrics.counters["x"] must be a number',
    ],
    [
      { ...report, series: { ...report.series, onTargetRatio: [0] } },
      'series.onTargetRatio must be an array of 6 (one per interval)',
    ],
    [[1, 2], '(top level) must be an object'],
  ])('names the field that is wrong (%#)', (value, message) => {
    const e = parseError(value);
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toBe(`not a fleetstorm report: ${message}`);
  });
});
