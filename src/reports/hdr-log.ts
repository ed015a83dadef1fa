// HdrHistogram interval logs (the HistogramLogWriter format read by HistogramLogReader, the
// HdrHistogram log analyzers and `hdr-plot`): one file per metric, one line per interval that
// recorded values. Timestamps are virtual seconds since the start of the run; values are µs and
// Interval_Max is printed in ms.
import { HISTOGRAMS } from '../metrics/catalog.js';
import type { Report } from './report-types.js';

export interface HdrLogFile {
  metric: string;
  /** `<metric>.hlog` */
  fileName: string;
  text: string;
}

const US_PER_MS = 1000;
const LOG_FORMAT_VERSION = '1.3';

/** Seconds with 3 decimals, as HistogramLogWriter prints timestamps and maxima. */
function sec3(value: number): string {
  return value.toFixed(3);
}

/**
 * The interval log of one metric, or null when the series holds no values for it. Lines are
 * written here rather than through HistogramLogWriter so each carries the report's own encoding
 * (no decode and re-encode) and the max of the report's point.
 */
export function renderHdrLog(report: Report, metric: string): string | null {
  const points = report.series.histograms[metric];
  if (!points || points.every((p) => p.count === 0)) return null;
  const lines = [
    `#[fleetstorm ${report.tool.version}: ${metric} in microseconds, Interval_Max in milliseconds]`,
    `#[scenario ${report.scenario.name}, seed ${report.seed}]`,
    `#[Histogram log format version ${LOG_FORMAT_VERSION}]`,
    // Virtual time starts at 0; no wall-clock start time, so the log is deterministic.
    '#[StartTime: 0.000 (seconds since the start of the run, virtual time)]',
    '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"',
  ];
  points.forEach((p, i) => {
    if (p.count === 0) return;
    const endUs = report.series.timesUs[i] ?? 0;
    const startUs = i === 0 ? 0 : (report.series.timesUs[i - 1] ?? 0);
    lines.push(
      `${sec3(startUs / 1e6)},${sec3((endUs - startUs) / 1e6)},${sec3(p.maxUs / US_PER_MS)},${p.hdr}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Interval logs for every histogram with values, in catalog order. Only catalogue names: a name
 * becomes a file name, and a report read from disk is untrusted input.
 */
export function renderHdrLogs(report: Report): HdrLogFile[] {
  const out: HdrLogFile[] = [];
  for (const metric of HISTOGRAMS) {
    const text = renderHdrLog(report, metric);
    if (text !== null) out.push({ metric, fileName: `${metric}.hlog`, text });
  }
  return out;
}
