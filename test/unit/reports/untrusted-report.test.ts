// A report.json is untrusted input (issue: hardening, findings 1, 12, 13): names in it never
// become paths outside the output folder, a file it names is read only from its own folder,
// and a malformed field is a one-line error, never a stack trace.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeShardOutcomes } from '../../../src/app/outcomes-file.js';
import { renderHdrLogs } from '../../../src/reports/hdr-log.js';
import { reportToJson } from '../../../src/reports/json.js';
import { parseReport, readReportAt } from '../../../src/reports/read-report.js';
import type { Report } from '../../../src/reports/report-types.js';
import { toolErrorOf } from '../../helpers/tool-error.js';
import { reportFrom, seededAggregator } from './fixtures.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetstorm-untrusted-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = reportFrom({ agg: seededAggregator(3) });

function edited(edit: (r: Record<string, unknown>) => void): string {
  const r = JSON.parse(reportToJson(base)) as Record<string, unknown>;
  edit(r);
  return JSON.stringify(r);
}

function series(r: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return r.series as Record<string, Record<string, unknown>>;
}

describe('histogram names', () => {
  it('refuses a series histogram name that is not in the metric catalogue (a path)', async () => {
    const text = edited((r) => {
      const h = series(r).histograms as Record<string, unknown>;
      h['../../../../x'] = h.mqtt_connect_duration_us;
    });
    const e = await toolErrorOf(() => parseReport(text, 'r.json'));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.toLine()).toContain('series.histograms key must be a histogram of the metric catalogue');
    expect(e.toLine()).toContain('../../../../x');
  });

  it('writes HDR logs of catalogue histograms only, even for a report built in memory', () => {
    const points = base.series.histograms.mqtt_connect_duration_us ?? [];
    const r: Report = {
      ...base,
      series: { ...base.series, histograms: { ...base.series.histograms, '../../x': points } },
    };
    const names = renderHdrLogs(r).map((l) => l.fileName);
    expect(names).toContain('mqtt_connect_duration_us.hlog');
    expect(names.some((n) => n.includes('/'))).toBe(false);
  });
});

describe('outcomes.file', () => {
  async function shardWith(file: string, ndjson?: { name: string; text: string }): Promise<string> {
    const d = join(dir, 'shard');
    await mkdir(d, { recursive: true });
    const text = edited((r) => ((r.outcomes as Record<string, unknown>).file = file));
    await writeFile(join(d, 'report.json'), text);
    if (ndjson) await writeFile(join(d, ndjson.name), ndjson.text);
    return d;
  }

  it('refuses a path that leaves the report folder', async () => {
    const d = await shardWith('../../../../etc/passwd');
    const e = await toolErrorOf(readReportAt(d));
    expect(e.toLine()).toContain('outcomes.file must be a file name in the report folder');
  });

  it('does not follow a symbolic link out of the report folder', async () => {
    const outside = join(dir, 'outside.ndjson');
    const line = JSON.stringify({ device: 1, deviceType: 'x', outcome: 'failed', trail: [] });
    await writeFile(outside, `${line}\n`);
    const d = await shardWith('outcomes.ndjson');
    await symlink(outside, join(d, 'outcomes.ndjson'));
    expect(await mergeShardOutcomes([await readReportAt(d)])).toBeNull();
  });

  it('names the line of a truncated outcomes file', async () => {
    const line = JSON.stringify({ device: 1, deviceType: 'x', outcome: 'failed', trail: [] });
    const d = await shardWith('outcomes.ndjson', {
      name: 'outcomes.ndjson',
      text: `${line}\n${line.slice(0, 20)}`,
    });
    const e = await toolErrorOf(mergeShardOutcomes([await readReportAt(d)]));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.where).toBe(join(d, 'outcomes.ndjson:2'));
    expect(e.fix).toBeTruthy();
  });

  it('refuses an outcome line of the wrong shape', async () => {
    const d = await shardWith('outcomes.ndjson', { name: 'outcomes.ndjson', text: '{"device":"a"}\n' });
    const e = await toolErrorOf(mergeShardOutcomes([await readReportAt(d)]));
    expect(e.toLine()).toContain('line.device must be a number');
  });
});

it('merges a shard with 200,000 outcomes (a spread of them overflowed the stack)', async () => {
  const d = join(dir, 'big');
  await mkdir(d);
  await writeFile(
    join(d, 'report.json'),
    edited((r) => ((r.outcomes as Record<string, unknown>).file = 'outcomes.ndjson')),
  );
  const lines = Array.from({ length: 200_000 }, (_, i) =>
    JSON.stringify({ device: i, deviceType: 's', outcome: 'failed', trail: [] }),
  );
  await writeFile(join(d, 'outcomes.ndjson'), `${lines.join('\n')}\n`);
  expect((await mergeShardOutcomes([await readReportAt(d)]))?.length).toBe(200_000);
});

it('refuses a FIFO or a device instead of reading it forever', async () => {
  const e = await toolErrorOf(readReportAt('/dev/zero'));
  expect(e.message).toBe('not a regular file');
});

describe('malformed fields', () => {
  it.each([
    ['thresholds[0].message', (r: Record<string, unknown>) => (r.thresholds = [{ expr: 'x', message: 5 }])],
    [
      'scenario.durationUs',
      (r: Record<string, unknown>) => ((r.scenario as Record<string, unknown>).durationUs = -5),
    ],
    ['scenario.fleet', (r: Record<string, unknown>) => ((r.scenario as Record<string, unknown>).fleet = [])],
    ['faults[0].type', (r: Record<string, unknown>) => (r.faults = [{ faultId: 'f0', devicesHit: 1 }])],
    ['live.connectErrors', (r: Record<string, unknown>) => (r.live = { connectErrors: 'tls' })],
    [
      'live.connectErrors[0].count',
      (r: Record<string, unknown>) =>
        (r.live = { connectErrors: [{ reason: 'tls', detail: 'x', count: '9' }] }),
    ],
    ['scenario.shard', (r: Record<string, unknown>) => delete (r.scenario as Record<string, unknown>).shard],
  ])('%s is a one-line error', async (field, edit) => {
    const e = await toolErrorOf(() => parseReport(edited(edit), 'r.json'));
    expect(e.code).toBe('FLEETSTORM_ERR_REPORT_INPUT');
    expect(e.message).toContain(field);
  });
});
