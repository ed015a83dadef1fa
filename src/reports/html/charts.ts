// Builds the report's charts from its aggregated series. A chart with no data is not drawn:
// the caller lists it as "no data" instead, so every <svg data-chart> on the page has points.
import { CONN_STATES, HISTOGRAMS, OTA_STATES } from '../../metrics/catalog.js';
import type { HistogramPoint, Report } from '../report-types.js';
import { formatCount, formatDurationUs, formatVirtualTime } from './format.js';
import { faultMarkers, timeDomain, waveMarkers } from './markers.js';
import { CONN_STATE_COLORS, OTA_STATE_COLORS, PERCENTILE_COLORS, rotationColor } from './palette.js';
import { renderAreaChart } from './svg/area-chart.js';
import { renderLineChart } from './svg/line-chart.js';
import type { ChartSeries, ChartSpec } from './svg/types.js';

export interface RenderedChart {
  id: string;
  title: string;
  /** null when there was nothing to plot. */
  html: string | null;
}

const HISTOGRAM_TITLES: Record<string, string> = {
  mqtt_connect_duration_us: 'MQTT connect latency',
  mqtt_publish_ack_duration_us: 'MQTT publish → PUBACK latency',
  mqtt_e2e_delivery_duration_us: 'End-to-end delivery latency (device → subscriber)',
  http_checkin_duration_us: 'HTTP check-in latency',
  ota_download_duration_us: 'Firmware download duration',
  ota_time_to_update_us: 'Time to update (per device)',
  outage_reconnect_duration_us: 'Reconnect time after an outage (per device)',
  outage_resume_duration_us: 'Outage end → next session of a duty-cycled device',
  ota_commit_since_rollout_start_us: 'Rollout start → device committed',
  generator_lag_us: 'Generator lag (live mode)',
  command_fanout_duration_us: 'Command fan-out (operator publish → device received)',
  command_reply_duration_us: 'Command reply (operator publish → reply received)',
};

/** Conn states bottom-up: the healthy majority first so its level reads off the axis. */
const CONN_ORDER = ['connected', 'sleeping', 'connecting', 'backoff', 'off', 'dark', 'bricked'] as const;
const OTA_ORDER = OTA_STATES.filter((s) => s !== 'idle' && s !== 'committed');

function hasData(series: readonly ChartSeries[]): boolean {
  return series.some((s) => s.values.some((v) => v !== null && v !== 0));
}

export function base(
  report: Report,
  id: string,
  title: string,
): Pick<ChartSpec, 'id' | 'title' | 'timesUs' | 'domainUs' | 'markers'> {
  return {
    id,
    title,
    timesUs: report.series.timesUs,
    domainUs: timeDomain(report),
    markers: faultMarkers(report),
  };
}

export function draw(spec: ChartSpec, kind: 'line' | 'area'): RenderedChart {
  if (!hasData(spec.series)) return { id: spec.id, title: spec.title, html: null };
  return {
    id: spec.id,
    title: spec.title,
    html: kind === 'line' ? renderLineChart(spec) : renderAreaChart(spec),
  };
}

function percentileSeries(points: readonly HistogramPoint[]): ChartSeries[] {
  const pick = (f: (p: HistogramPoint) => number): (number | null)[] =>
    points.map((p) => (p.count > 0 ? f(p) : null));
  return [
    { label: 'max', color: PERCENTILE_COLORS.max, values: pick((p) => p.maxUs), dashed: true },
    { label: 'p99', color: PERCENTILE_COLORS.p99, values: pick((p) => p.p99Us) },
    { label: 'p90', color: PERCENTILE_COLORS.p90, values: pick((p) => p.p90Us) },
    { label: 'p50', color: PERCENTILE_COLORS.p50, values: pick((p) => p.p50Us) },
  ];
}

export function latencyCharts(report: Report): RenderedChart[] {
  const known = HISTOGRAMS.filter((n) => n in report.series.histograms);
  const extra = Object.keys(report.series.histograms).filter(
    (n) => !(HISTOGRAMS as readonly string[]).includes(n),
  );
  return [...known, ...extra].map((name) => {
    const overall = report.metrics.histograms[name];
    const summary =
      overall === undefined
        ? ''
        : ` · whole run: p50 ${formatDurationUs(overall.p50Us)}, p99 ${formatDurationUs(overall.p99Us)}, max ${formatDurationUs(overall.maxUs)} over ${formatCount(overall.count)} samples`;
    return draw(
      {
        ...base(report, `latency-${name}`, HISTOGRAM_TITLES[name] ?? name),
        subtitle: `${name}: percentiles of each ${formatVirtualTime(report.intervalUs)} interval${summary}`,
        series: percentileSeries(report.series.histograms[name] ?? []),
        formatY: formatDurationUs,
        yUnit: 'duration',
        yScale: 'auto',
        reduce: 'max',
      },
      'line',
    );
  });
}

function stateSeries(
  states: Record<string, number[]>,
  order: readonly string[],
  colors: Record<string, string>,
  exclude: readonly string[] = [],
): ChartSeries[] {
  const rest = Object.keys(states).filter((s) => !order.includes(s) && !exclude.includes(s));
  const names = [...order.filter((s) => s in states), ...rest];
  return names
    .map((name, i) => ({ label: name, color: colors[name] ?? rotationColor(i), values: states[name] ?? [] }))
    .filter((s) => s.values.some((v) => v > 0));
}

export function connStateChart(report: Report): RenderedChart {
  const order = [...CONN_ORDER, ...CONN_STATES.filter((s) => !(CONN_ORDER as readonly string[]).includes(s))];
  return draw(
    {
      ...base(report, 'conn-states', 'Devices by connectivity state'),
      subtitle: 'Stacked: devices in each state at the end of each interval',
      series: stateSeries(report.series.connStates, order, CONN_STATE_COLORS),
      formatY: formatCount,
      reduce: 'last',
    },
    'area',
  );
}

export function otaStateChart(report: Report): RenderedChart {
  const idle = report.series.otaStates['idle'] ?? [];
  const idleEnd = idle[idle.length - 1];
  const spec = base(report, 'ota-states', 'Devices by OTA state');
  return draw(
    {
      ...spec,
      markers: [...spec.markers, ...waveMarkers(report)],
      subtitle: `Stacked, idle devices not drawn${idleEnd === undefined ? '' : ` (${formatCount(idleEnd)} idle at the end)`}`,
      series: stateSeries(report.series.otaStates, ['committed', ...OTA_ORDER], OTA_STATE_COLORS, ['idle']),
      formatY: formatCount,
      reduce: 'last',
    },
    'area',
  );
}

/** Per-interval counter series whose base name matches, one series per label set. */
export function counterSeries(
  report: Report,
  baseName: string,
  label: (full: string) => string,
): ChartSeries[] {
  return Object.keys(report.series.counters)
    .filter((n) => n === baseName || n.startsWith(`${baseName}{`))
    .map((n, i) => ({
      label: label(n),
      color: rotationColor(i + 1),
      values: report.series.counters[n] ?? [],
    }));
}

export function reasonOf(name: string): string {
  const m = /\{[^=]+="([^"]*)"\}$/.exec(name);
  return m?.[1] ?? name;
}

export function perInterval(report: Report): string {
  return `per ${formatVirtualTime(report.intervalUs)} interval`;
}
