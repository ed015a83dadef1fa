// Writes a report directory: report.json, summary.txt, junit.xml, hdr/<metric>.hlog and, when a
// renderer is given, report.html. The HTML renderer is injected so this module does not pull
// the chart code into runs that do not need it.
import { basename, dirname, join } from 'node:path';
import { makeDirs, writeAtomic } from './atomic-write.js';
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

/** Writes each artifact in full or not at all, and keeps going so one failure costs one file. */
class ArtifactWriter {
  readonly failed: { path: string; code: string }[] = [];
  readonly written: string[] = [];

  async put(path: string, text: () => string): Promise<string> {
    try {
      // Every artifact passes the one redaction rule: no URL password, token or read secret.
      await writeAtomic(path, redactText(text()));
      this.written.push(path);
    } catch (e) {
      if (!(e as NodeJS.ErrnoException).code) throw e; // a renderer bug, not the disk
      this.failed.push({ path, code: (e as NodeJS.ErrnoException).code ?? 'unknown' });
    }
    return path;
  }

  /** One line naming what could not be written (and why), and what was. */
  check(): void {
    if (this.failed.length === 0) return;
    const lost = this.failed.map((f) => `${basename(f.path)} (${f.code})`).join(', ');
    const kept =
      this.written.length > 0 ? `; written: ${this.written.map((p) => basename(p)).join(', ')}` : '';
    throw new ToolError('FLEETSTORM_ERR_OUTPUT_DIR', `could not write ${lost}${kept}`, {
      where: dirname(this.failed[0]?.path ?? '.'),
      fix: 'free disk space or choose another folder with --out, then `fleetstorm report render` the report.json if it was written',
    });
  }
}

async function makeDir(dir: string): Promise<void> {
  try {
    await makeDirs(dir);
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
  const w = new ArtifactWriter();
  const json = await w.put(join(outDir, 'report.json'), () => reportToJson(report));
  const summary = await w.put(join(outDir, 'summary.txt'), () => renderSummary(report));
  const junit = await w.put(join(outDir, 'junit.xml'), () => renderJunit(report));
  const logs = renderHdrLogs(report);
  const hdrLogs: string[] = [];
  if (logs.length > 0) {
    const dir = join(outDir, HDR_LOG_DIR);
    await makeDir(dir);
    for (const log of logs) hdrLogs.push(await w.put(join(dir, log.fileName), () => log.text));
  }
  const render = options.html;
  const html = render ? await w.put(join(outDir, 'report.html'), () => render(report)) : null;
  w.check();
  return { dir: outDir, json, summary, junit, hdrLogs, html };
}
