// Charts of flows per interval: the reconnect storm (connected devices, connect attempts and
// failures), rollout progress (share on the new version, OTA outcomes) and telemetry.
import type { Report } from '../report-types.js';
import { base, counterSeries, draw, perInterval, reasonOf, type RenderedChart } from './charts.js';
import { formatCount, formatRatio } from './format.js';
import { waveMarkers } from './markers.js';
import { COLORS } from './palette.js';
import type { ChartSeries } from './svg/types.js';

/** One colour per connect failure reason, the same in every report. */
const FAILURE_COLORS: Record<string, string> = {
  rejected: COLORS.vermillion,
  max_sessions: COLORS.darkRed,
  timeout: COLORS.purple,
  outage: COLORS.orange,
  lost: COLORS.olive,
};

function counter(report: Report, name: string, label: string, color: string, dashed = false): ChartSeries[] {
  const values = report.series.counters[name];
  return values === undefined ? [] : [{ label, color, values, dashed }];
}

/** Sum of every labelled variant of a counter, e.g. all `ota_failed_total{reason=…}`. */
function summed(report: Report, baseName: string, label: string, color: string): ChartSeries[] {
  const parts = counterSeries(report, baseName, String);
  if (parts.length === 0) return [];
  const n = report.series.timesUs.length;
  const values = Array.from({ length: n }, (_, i) => parts.reduce((sum, p) => sum + (p.values[i] ?? 0), 0));
  return [{ label, color, values }];
}

function nonZero(series: ChartSeries[]): ChartSeries[] {
  return series.filter((s) => s.values.some((v) => v !== null && v !== 0));
}

export function connectedChart(report: Report): RenderedChart {
  const states = report.series.connStates;
  const series: ChartSeries[] = [
    { label: 'connected', color: COLORS.green, values: states['connected'] ?? [] },
    { label: 'backoff (waiting to retry)', color: COLORS.orange, values: states['backoff'] ?? [] },
    { label: 'connecting', color: COLORS.sky, values: states['connecting'] ?? [] },
  ];
  return draw(
    {
      ...base(report, 'connected', 'Connected devices'),
      subtitle: 'Devices connected, connecting and backing off at the end of each interval',
      series: nonZero(series),
      formatY: formatCount,
      reduce: 'last',
    },
    'line',
  );
}

export function connectAttemptsChart(report: Report): RenderedChart {
  const failures = counterSeries(report, 'mqtt_connect_failed_total', (n) => `failed: ${reasonOf(n)}`);
  const series = [
    ...counter(report, 'mqtt_connect_attempts_total', 'attempts', COLORS.blue, true),
    ...counter(report, 'mqtt_connect_success_total', 'succeeded', COLORS.green),
    ...failures.map((s) => ({
      ...s,
      // Live mode's real reasons (not_authorized, tls...) take the rotation: several stay apart.
      color: FAILURE_COLORS[s.label.replace(/^failed: /, '')] ?? s.color,
    })),
    ...summed(report, 'mqtt_disconnects_total', 'disconnects (all reasons)', COLORS.grey),
    // `provisioning`: the registration storm a power-on wave causes, beside the connects it gates
    ...counter(report, 'provision_succeeded_total', 'registered', COLORS.purple),
    ...counter(report, 'provision_refused_total', 'registration refused', COLORS.orange),
  ];
  return draw(
    {
      ...base(report, 'connect-attempts', 'Connect attempts and failures'),
      subtitle: `The reconnect storm: MQTT connects ${perInterval(report)}`,
      series: nonZero(series),
      formatY: formatCount,
      reduce: 'max',
    },
    'line',
  );
}

export function rolloutShareChart(report: Report): RenderedChart {
  const spec = base(
    report,
    'rollout-share',
    `Fleet share on ${report.rollout?.version ?? 'the new version'}`,
  );
  const values = report.rollout === null ? [] : report.series.onTargetRatio;
  return draw(
    {
      ...spec,
      markers: [...spec.markers, ...waveMarkers(report)],
      subtitle: 'Share of the targeted devices running the rollout version; W1, W2… mark wave starts',
      series: [{ label: 'on new version', color: COLORS.green, values }],
      formatY: formatRatio,
      yMax: 1,
      reduce: 'last',
    },
    'line',
  );
}

export function otaFlowChart(report: Report): RenderedChart {
  const series = [
    ...counter(report, 'ota_offered_total', 'offered', COLORS.sky),
    ...counter(report, 'ota_download_started_total', 'downloads started', COLORS.blue),
    // the install wave (an install window holds installs until each device's window opens)
    ...counter(report, 'ota_install_started_total', 'installs started', COLORS.purple),
    ...counter(report, 'ota_succeeded_total', 'succeeded', COLORS.green),
    ...summed(report, 'ota_failed_total', 'failed (all reasons)', COLORS.vermillion),
    ...counter(report, 'ota_rolled_back_total', 'rolled back', COLORS.olive),
    ...counter(report, 'ota_bricked_total', 'bricked', COLORS.darkRed),
  ];
  const spec = base(report, 'ota-flow', 'OTA outcomes');
  return draw(
    {
      ...spec,
      markers: [...spec.markers, ...waveMarkers(report)],
      subtitle: `Firmware updates ${perInterval(report)}`,
      series: nonZero(series),
      formatY: formatCount,
      reduce: 'max',
    },
    'line',
  );
}

export function telemetryChart(report: Report): RenderedChart {
  const series = [
    ...counter(report, 'mqtt_publish_total', 'published', COLORS.blue),
    ...counter(report, 'mqtt_publish_acked_total', 'acked', COLORS.green, true),
    ...counter(report, 'mqtt_delivered_total', 'delivered to subscriber', COLORS.sky, true),
    ...summed(report, 'mqtt_publish_failed_total', 'failed (all reasons)', COLORS.vermillion),
    ...counter(report, 'telemetry_skipped_total', 'skipped (offline)', COLORS.orange),
  ];
  return draw(
    {
      ...base(report, 'telemetry', 'Telemetry publishes'),
      subtitle: `Publishes ${perInterval(report)}`,
      series: nonZero(series),
      formatY: formatCount,
      reduce: 'max',
    },
    'line',
  );
}
