// Writes a report directory: report.json, summary.txt, junit.xml, hdr/<metric>.hlog and, when a
// renderer is given, report.html. The HTML renderer is injected so this module does not pull
// the chart code into runs that do not need it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../errors/tool-error.js';
import { redactText } from '../secrets/redact.js';
import { renderHdrLogs } from './hdr-log.js';
import { reportToJson } from './json.js';
import { renderJunit } from './junit.js';
import type { Report } from './report-types.js';
import { renderSummary } from './summary-text.js';

export interface WriteReportOptions {
  html?: (report: Report) => string;
}

export interface ReportPaths {
  dir: string;
  json: string;
  summary: string;
  junit: string;
  /** One per histogram with values, in catalog order. */
  hdrLogs: string[];
  html: string | null;
}

export const HDR_LOG_DIR = 'hdr';

function outputError(path: string, e: unknown): ToolError {
  const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
  return new ToolError('FLEETSTORM_ERR_OUTPUT_DIR', `cannot write the report (${code})`, {
    where: path,
    fix: 'choose a writable directory with --out',
  });
}

async function put(path: string, text: string): Promise<string> {
  try {
    // Every artifact passes the one redaction rule: no URL password, token or read secret.
    await writeFile(path, redactText(text), 'utf8');
  } catch (e) {
    throw outputError(path, e);
  }
  return path;
}

async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw outputError(dir, e);
  }
}

export async function writeReportFiles(
  report: Report,
  outDir: string,
  options: WriteReportOptions = {},
): Promise<ReportPaths> {
  await makeDir(outDir);
  const json = await put(join(outDir, 'report.json'), reportToJson(report));
  const summary = await put(join(outDir, 'summary.txt'), renderSummary(report));
  const junit = await put(join(outDir, 'junit.xml'), renderJunit(report));
  const logs = renderHdrLogs(report);
  const hdrLogs: string[] = [];
  if (logs.length > 0) {
    const dir = join(outDir, HDR_LOG_DIR);
    await makeDir(dir);
    for (const log of logs) hdrLogs.push(await put(join(dir, log.fileName), log.text));
  }
  const html = options.html ? await put(join(outDir, 'report.html'), options.html(report)) : null;
  return { dir: outDir, json, summary, junit, hdrLogs, html };
}
