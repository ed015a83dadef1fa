// The telemetry section of the text summary, for device types with an offline buffer or an
// aligned schedule: buffered, flushed and dropped readings, and the load they put on the backend
// as publishes per second: the busiest interval against the steady state (the median interval).
import { formatCount, formatDurationUs, formatRatio } from '../metrics/units.js';
import type { Report } from './report-types.js';

export interface PublishLoad {
  /** Median publishes per second over the intervals with any publish. */
  steadyPerSec: number;
  peakPerSec: number;
  /** End of the busiest interval, virtual µs. */
  peakAtUs: number;
}

/** Publishes per second per interval of the series: steady (median) and the peak; null: none. */
export function publishLoad(r: Report): PublishLoad | null {
  const counts = r.series.counters.mqtt_publish_total ?? [];
  const sec = r.intervalUs / 1e6;
  const busy = counts.filter((n) => n > 0).sort((x, y) => x - y);
  if (busy.length === 0 || sec <= 0) return null;
  let peak = 0;
  for (let i = 1; i < counts.length; i++) if ((counts[i] as number) > (counts[peak] as number)) peak = i;
  return {
    steadyPerSec: (busy[Math.floor(busy.length / 2)] as number) / sec,
    peakPerSec: (counts[peak] as number) / sec,
    peakAtUs: r.series.timesUs[peak] ?? 0,
  };
}

function scheduled(r: Report): boolean {
  return Object.values(r.scenario.deviceTypes).some(
    (t) => (t.telemetry.buffer ?? null) !== null || (t.telemetry.schedule ?? null) !== null,
  );
}

const perSec = (n: number): string => formatCount(Math.round(n));

export function telemetryLines(r: Report): string[] {
  if (!scheduled(r)) return [];
  const c = (n: string): number => r.metrics.counters[n] ?? 0;
  const lines: string[] = [];
  const buffered = c('telemetry_buffered_total');
  if (buffered > 0 || c('telemetry_flushed_total') > 0) {
    const loss = r.metrics.derived.telemetry_loss_ratio ?? null;
    lines.push(
      `telemetry buffer: ${formatCount(buffered)} readings buffered offline, ` +
        `${formatCount(c('telemetry_flushed_total'))} flushed, ` +
        `${formatCount(c('telemetry_dropped_total{reason="buffer_full"}'))} dropped (buffer full)` +
        (loss === null ? '' : `: loss ${formatRatio(loss)}`),
    );
  }
  const load = publishLoad(r);
  if (load !== null) {
    const x = load.steadyPerSec > 0 ? ` (${(load.peakPerSec / load.steadyPerSec).toFixed(1)}× steady)` : '';
    lines.push(
      `telemetry load: steady ${perSec(load.steadyPerSec)} publishes/s (median interval), ` +
        `peak ${perSec(load.peakPerSec)}/s in the interval ending ${formatDurationUs(load.peakAtUs)}${x}`,
    );
  }
  return lines;
}
