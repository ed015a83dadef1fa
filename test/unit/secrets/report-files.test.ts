// Every file writeReportFiles writes passes the redaction rule, whatever the report holds.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/reports/html/render-html.js';
import { writeReportFiles } from '../../../src/reports/write-report.js';
import { rememberSecret } from '../../../src/secrets/redact.js';
import { sampleReport } from '../../helpers/sample-report.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('report files', () => {
  it('carry no URL password and no remembered secret', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-report-secrets-'));
    rememberSecret('remembered-s3cret-value');
    const r = sampleReport();
    r.replay = 'fleetstorm run x.yaml --target-mqtt mqtt://dev:url-s3cret@h:1883';
    r.warnings = [...r.warnings, 'the broker said remembered-s3cret-value'];
    r.scenario = {
      ...r.scenario,
      target: { ...r.scenario.target, mqttUrls: ['mqtt://dev:url-s3cret@h:1883'] },
    };
    await writeReportFiles(r, dir, { html: renderHtml });
    const names = await readdir(dir, { recursive: true });
    expect(names).toEqual(expect.arrayContaining(['report.json', 'summary.txt', 'junit.xml', 'report.html']));
    for (const name of names.filter((n) => n.includes('.'))) {
      const text = await readFile(join(dir, name), 'utf8');
      expect(text, name).not.toContain('url-s3cret');
      expect(text, name).not.toContain('remembered-s3cret-value');
    }
  });
});
