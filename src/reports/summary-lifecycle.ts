// The lifecycle section of the text summary: the registration storm (requests answered, refused
// and lost, the registration latency and the busiest interval against the API's rate) and the
// install wave an install window causes (installs per interval, the peak, any outside the window).
import { formatCount, formatDurationUs } from '../metrics/units.js';
import type { Report } from './report-types.js';

/** The busiest interval of a counter's series: its count per second and its end time. */
export function peakOf(r: Report, counter: string): { perSec: number; atUs: number } | null {
  const counts = r.series.counters[counter] ?? [];
  let peak = -1;
  for (let i = 0; i < counts.length; i++)
    if ((counts[i] as number) > 0 && (peak < 0 || (counts[i] as number) > (counts[peak] as number))) peak = i;
  if (peak < 0) return null;
  return { perSec: (counts[peak] as number) / (r.intervalUs / 1e6), atUs: r.series.timesUs[peak] ?? 0 };
}

/** End of the last interval in which the counter moved. */
function lastAt(r: Report, counter: string): number {
  const counts = r.series.counters[counter] ?? [];
  for (let i = counts.length - 1; i >= 0; i--) if ((counts[i] as number) > 0) return r.series.timesUs[i] ?? 0;
  return 0;
}

const perSec = (n: number): string => (n >= 10 ? formatCount(Math.round(n)) : n.toFixed(1));

function provisioningLines(r: Report): string[] {
  const c = (n: string): number => r.metrics.counters[n] ?? 0;
  const attempts = c('provision_attempts_total');
  if (attempts === 0) return [];
  const h = r.metrics.histograms['provision_duration_us'];
  const p99 = h && h.count > 0 ? `, p99 ${formatDurationUs(h.p99Us)} from first request to registered` : '';
  const lines = [
    `provisioning: ${formatCount(c('provision_succeeded_total'))} registered in ` +
      `${formatCount(attempts)} requests (${formatCount(c('provision_refused_total'))} refused, ` +
      `${formatCount(c('provision_failed_total'))} lost or timed out)${p99}`,
  ];
  const peak = peakOf(r, 'provision_succeeded_total');
  const rate = r.scenario.backend.registration?.ratePerSec ?? null;
  if (peak !== null)
    lines.push(
      `registration storm: peak ${perSec(peak.perSec)} registrations/s in the interval ending ` +
        `${formatDurationUs(peak.atUs)}` +
        (rate === null || r.scenario.mode !== 'virtual' ? '' : ` (API rate ${perSec(rate)}/s)`) +
        `, the last registered by ${formatDurationUs(lastAt(r, 'provision_succeeded_total'))}`,
    );
  return lines;
}

function installWindowLines(r: Report): string[] {
  const w = r.scenario.rollout?.installWindow ?? null;
  if (w === null) return [];
  const c = (n: string): number => r.metrics.counters[n] ?? 0;
  const hhmm = (us: number): string => {
    const min = Math.round(us / 60e6);
    return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  };
  const peak = peakOf(r, 'ota_install_started_total');
  const wave =
    peak === null
      ? 'no install started'
      : `peak ${perSec(peak.perSec)} installs/s in the interval ending ${formatDurationUs(peak.atUs)}`;
  return [
    `install window ${hhmm(w.startUs)}-${hhmm(w.endUs)} local: ${formatCount(c('ota_install_started_total'))} ` +
      `installs started, ${formatCount(c('ota_install_deferred_total'))} verified images kept for the window, ` +
      `${formatCount(c('ota_install_outside_window_total'))} ended outside it; ${wave}`,
  ];
}

export function lifecycleLines(r: Report): string[] {
  return [...provisioningLines(r), ...installWindowLines(r)];
}
