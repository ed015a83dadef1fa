// The commands section in every report artefact (report.json, summary, HTML, JUnit, outcomes),
// and derived again exactly when shard reports are merged.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runResolved } from '../../src/app/run.js';
import { mergeReports } from '../../src/reports/merge.js';
import type { Report } from '../../src/reports/report-types.js';
import { resolveScenarioObject } from '../../src/scenario/index.js';

const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

async function run(outDir: string | null, shard?: { index: number; count: number }): Promise<Report> {
  const doc = {
    name: 'commands-report',
    seed: 21,
    workers: 1,
    duration: '20m',
    fleet: [
      {
        count: 600,
        device: {
          name: 'cr-gw',
          extends: 'gateway',
          connectivity: { 'clean-session': true },
          telemetry: { interval: '5m' },
          commands: { topic: 'cr/{id}/cmd', 'reply-delay': '100ms..1s', failure: '10%' },
        },
      },
    ],
    // generous queues: each device then lives the same life in a shard as in the whole fleet
    backend: { ingest: { rate: '1000M/s' }, fanout: { rate: '1000M/s' } },
    faults: [{ type: 'power-loss', who: '20%', at: '4m', duration: '5m' }],
    operations: [
      { at: '5m', name: 'push', command: { name: 'ping' }, who: '50%', rate: '100/s' },
      { at: '12m', name: 'again', command: { name: 'ping' }, who: { count: 100 }, rate: '50/s' },
    ],
    thresholds: ['p99(command_reply_duration_us) < 5s', 'command_answered_ratio > 99%'],
  };
  const s = await resolveScenarioObject(doc, 'commands-report (in memory)', {
    env: {},
    overrides: shard ? { shard } : {},
  });
  return (await runResolved(s, outDir === null ? { noFiles: true } : { outDir })).report;
}

describe('the commands section of the report', () => {
  it('is in report.json, the summary, the HTML, JUnit and the outcomes files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetstorm-commands-report-'));
    tmpDirs.push(dir);
    const r = await run(dir);
    const c = r.commands;
    if (!c) throw new Error('no commands section');
    expect(c.sent).toBe(r.metrics.counters['command_sent_total']);
    expect(c.repliedOk + c.repliedError + c.unanswered).toBe(c.sent);
    expect(c.unanswered).toBeGreaterThan(0); // powered off at the push, clean sessions
    expect(c.repliedError).toBeGreaterThan(0);
    expect(c.operations.map((o) => o.name)).toEqual(['push', 'again']);
    const [push, again] = c.operations;
    expect(push?.unanswered).toBe(c.unanswered); // the second push found every device back
    expect((push?.errors ?? 0) + (again?.errors ?? 0)).toBe(c.repliedError);
    expect(again?.answered99Us).not.toBeNull();
    expect(push?.answered99Us).toBeNull(); // a fifth of its devices were off
    expect(c.answeredShare).toHaveLength(r.series.timesUs.length);
    // failing the answered-share gate, in the verdict and in JUnit
    expect(r.verdict).toBe('failed');
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/command_answered_ratio &gt; 99%[\s\S]*<failure/);
    const summary = await readFile(join(dir, 'summary.txt'), 'utf8');
    expect(summary).toContain(`commands: ${c.sent.toLocaleString('en-US')} sent`);
    expect(summary).toMatch(/push\s+ping\s+5m/);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('data-chart="commands-answered"');
    expect(html).toContain('id="commands"');
    const csv = (await readFile(join(dir, 'outcomes.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('device,device_type,outcome,trail,operation');
    expect(csv).toHaveLength(1 + c.unanswered + c.repliedError);
    expect(csv.filter((l) => /,command-unanswered,.*no-reply,push$/.test(l))).toHaveLength(c.unanswered);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Report;
    expect(json.commands).toEqual(c);
  });

  it('merged shard reports give the unsharded run’s commands section', async () => {
    const whole = await run(null);
    const parts: Report[] = [];
    for (let i = 0; i < 3; i++) parts.push(await run(null, { index: i, count: 3 }));
    const merged = mergeReports(parts);
    expect(JSON.stringify(merged.commands, null, 1)).toBe(JSON.stringify(whole.commands, null, 1));
  });
});
