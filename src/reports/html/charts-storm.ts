// A close-up of each fleet-wide connectivity fault (backend outage, broker rejecting, half-open
// links): on a 24 h axis a 15-minute outage and its reconnect storm are a few pixels wide.
import type { Report } from '../report-types.js';
import { base, counterSeries, draw, type RenderedChart } from './charts.js';
import { formatCount, formatVirtualTime } from './format.js';
import { devicesHit, faultGroups, timeDomain, type FaultGroup } from './markers.js';
import { COLORS } from './palette.js';
import type { ChartSeries } from './svg/types.js';

const STORM_FAULTS = ['backend-outage', 'broker-reject', 'half-open'];
const MAX_ZOOMS = 3;
const MIN_AFTER_US = 30 * 60 * 1_000_000;

interface Window {
  fromUs: number;
  toUs: number;
}

function zoomWindow(report: Report, startUs: number, endUs: number): Window {
  const durationUs = Math.max(0, endUs - startUs);
  const recoveryUs = report.metrics.derived['fleet_recovery_duration_us'] ?? 0;
  const before = Math.max(2 * report.intervalUs, durationUs / 2);
  const after = Math.max(6 * report.intervalUs, 2 * durationUs, 1.5 * recoveryUs, MIN_AFTER_US);
  const [d0, d1] = timeDomain(report);
  return { fromUs: Math.max(d0, startUs - before), toUs: Math.min(d1, endUs + after) };
}

function slice(values: readonly (number | null)[], keep: readonly number[]): (number | null)[] {
  return keep.map((i) => values[i] ?? null);
}

function stormSeries(report: Report, keep: readonly number[]): ChartSeries[] {
  const failedParts = counterSeries(report, 'mqtt_connect_failed_total', String);
  const failed = report.series.timesUs.map((_, i) => failedParts.reduce((n, p) => n + (p.values[i] ?? 0), 0));
  const attempts = report.series.counters['mqtt_connect_attempts_total'] ?? [];
  const states = report.series.connStates;
  return [
    { label: 'connected devices', color: COLORS.green, values: slice(states['connected'] ?? [], keep) },
    { label: 'devices in backoff', color: COLORS.orange, values: slice(states['backoff'] ?? [], keep) },
    { label: 'connect attempts / interval', color: COLORS.blue, values: slice(attempts, keep), dashed: true },
    {
      label: 'connect failures / interval',
      color: COLORS.vermillion,
      values: slice(failed, keep),
      dashed: true,
    },
  ].filter((s) => s.values.some((v) => v !== null && v !== 0));
}

function zoomChart(
  report: Report,
  group: FaultGroup,
  span: FaultGroup['spans'][number],
  k: number,
): RenderedChart | null {
  const w = zoomWindow(report, span.startUs, span.endUs);
  const keep = report.series.timesUs.flatMap((t, i) => (t >= w.fromUs && t <= w.toUs ? [i] : []));
  if (keep.length < 2) return null;
  const at = formatVirtualTime(span.startUs);
  const lasted = span.endUs > span.startUs ? `, lasting ${formatVirtualTime(span.endUs - span.startUs)}` : '';
  return draw(
    {
      ...base(report, `storm-${k + 1}`, `Reconnect storm: ${group.type} at ${at}`),
      timesUs: keep.map((i) => report.series.timesUs[i] ?? 0),
      domainUs: [w.fromUs, w.toUs],
      subtitle: `Close-up from ${formatVirtualTime(w.fromUs)} to ${formatVirtualTime(w.toUs)}: ${group.type}${lasted}, ${devicesHit(span.devicesHit)}`,
      series: stormSeries(report, keep),
      formatY: formatCount,
      reduce: 'max',
    },
    'line',
  );
}

export function stormZoomCharts(report: Report): RenderedChart[] {
  const spans = faultGroups(report)
    .filter((g) => STORM_FAULTS.includes(g.type) && !g.perDevice)
    .flatMap((g) => g.spans.map((s) => ({ g, s })))
    .sort((a, b) => a.s.startUs - b.s.startUs)
    .slice(0, MAX_ZOOMS);
  return spans.flatMap(({ g, s }, k) => {
    const chart = zoomChart(report, g, s, k);
    return chart === null ? [] : [chart];
  });
}
