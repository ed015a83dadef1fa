// HdrHistogram interval logs (the HistogramLogWriter format read by HistogramLogReader, the
// HdrHistogram log analyzers and `hdr-plot`): one file per metric, one line per interval that
// recorded values. Timestamps are virtual seconds since the start of the run; values are µs and
// Interval_Max is printed in ms.
import * as hdr from 'hdr-histogram-js';
import { HISTOGRAMS } from '../metrics/catalog.js';
import { decodeHdr } from '../metrics/hdr.js';
import type { Report } from './report-types.js';

export interface HdrLogFile {
  metric: string;
  /** `<metric>.hlog` */
  fileName: string;
  text: string;
}

const US_PER_MS = 1000;

/** The interval log of one metric, or null when the series holds no values for it. */
export function renderHdrLog(report: Report, metric: string): string | null {
  const points = report.series.histograms[metric];
  if (!points || points.every((p) => p.count === 0)) return null;
  const lines: string[] = [];
  const writer = new hdr.HistogramLogWriter((chunk) => lines.push(chunk));
  writer.outputComment(
    `[fleetstorm ${report.tool.version}: ${metric} in microseconds, Interval_Max in milliseconds]`,
  );
  writer.outputComment(`[scenario ${report.scenario.name}, seed ${report.seed}]`);
  writer.outputLogFormatVersion();
  // Virtual time starts at 0; no wall-clock start time, so the log is deterministic.
  writer.outputComment('[StartTime: 0.000 (seconds since the start of the run, virtual time)]');
  writer.outputLegend();
  points.forEach((p, i) => {
    if (p.count === 0) return;
    const endUs = report.series.timesUs[i] ?? 0;
    const startUs = i === 0 ? 0 : (report.series.timesUs[i - 1] ?? 0);
    writer.outputIntervalHistogram(decodeHdr(p.hdr), startUs / 1e6, endUs / 1e6, US_PER_MS);
  });
  return lines.join('');
}

/** Interval logs for every histogram with values, in catalog order. */
export function renderHdrLogs(report: Report): HdrLogFile[] {
  const names = [...new Set<string>([...HISTOGRAMS, ...Object.keys(report.series.histograms)])];
  const out: HdrLogFile[] = [];
  for (const metric of names) {
    const text = renderHdrLog(report, metric);
    if (text !== null) out.push({ metric, fileName: `${metric}.hlog`, text });
  }
  return out;
}
