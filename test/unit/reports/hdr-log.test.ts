import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { renderHdrLog, renderHdrLogs } from '../../../src/reports/hdr-log.js';
import { reportFrom, seededAggregator } from './fixtures.js';

describe('HDR interval logs', () => {
  const report = reportFrom({ agg: seededAggregator(5) });

  it('writes one file per histogram with values', () => {
    const logs = renderHdrLogs(report);
    expect(logs.map((l) => l.fileName)).toEqual([
      'mqtt_connect_duration_us.hlog',
      'mqtt_publish_ack_duration_us.hlog',
    ]);
    expect(renderHdrLog(report, 'ota_download_duration_us')).toBeNull();
  });

  it('is read back by HistogramLogReader interval by interval', () => {
    const text = renderHdrLog(report, 'mqtt_connect_duration_us') ?? '';
    expect(text).toContain('#[Histogram log format version 1.3]\n');
    expect(text).toContain(
      '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n',
    );
    const reader = new hdr.HistogramLogReader(text, 64);
    const points = report.series.histograms.mqtt_connect_duration_us ?? [];
    const seen: { count: number; startSec: number; endSec: number }[] = [];
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
      seen.push({
        count: h.totalCount,
        startSec: h.startTimeStampMsec / 1000,
        endSec: h.endTimeStampMsec / 1000,
      });
    }
    expect(seen.map((s) => s.count)).toEqual(points.map((p) => p.count));
    expect(seen.map((s) => s.startSec)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(seen.map((s) => s.endSec)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('lists the interval start, length and max in ms on each line', () => {
    const line = (renderHdrLog(report, 'mqtt_connect_duration_us') ?? '')
      .split('\n')
      .find((l) => l.startsWith('10.000,'));
    const max = report.series.histograms.mqtt_connect_duration_us?.[1]?.maxUs ?? 0;
    expect(line?.split(',').slice(0, 3)).toEqual(['10.000', '10.000', (max / 1000).toFixed(3)]);
  });
});
