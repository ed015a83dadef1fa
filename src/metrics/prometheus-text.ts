// Prometheus text exposition (format 0.0.4) of a run in progress: counters with their labels,
// latency histograms as summaries (quantiles in seconds), devices by state, virtual time.
import type { IntervalProgress } from '../app/engine-types.js';
import { CONN_STATES, COUNTERS, HISTOGRAMS, OTA_STATES } from './catalog.js';

const QUANTILES = [0.5, 0.9, 0.99, 0.999];

function split(name: string): { base: string; labels: string } {
  const i = name.indexOf('{');
  return i < 0 ? { base: name, labels: '' } : { base: name.slice(0, i), labels: name.slice(i + 1, -1) };
}

function counters(p: IntervalProgress): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const name of COUNTERS) {
    const { base, labels } = split(name);
    if (!seen.has(base)) {
      seen.add(base);
      lines.push(`# TYPE fleetstorm_${base} counter`);
    }
    lines.push(`fleetstorm_${base}${labels ? `{${labels}}` : ''} ${p.agg.counter(name)}`);
  }
  return lines;
}

function summaries(p: IntervalProgress): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const name of HISTOGRAMS) {
    const h = p.agg.histogram(name);
    const { base: family, labels } = split(name);
    const base = `fleetstorm_${family.replace(/_us$/, '_seconds')}`;
    if (!seen.has(base)) lines.push(`# TYPE ${base} summary`);
    seen.add(base);
    const prefix = labels === '' ? '' : `${labels},`;
    for (const q of QUANTILES) {
      const v = h.totalCount > 0 ? h.getValueAtPercentile(q * 100) / 1e6 : Number.NaN;
      lines.push(`${base}{${prefix}quantile="${q}"} ${v}`);
    }
    lines.push(`${base}_count${labels === '' ? '' : `{${labels}}`} ${h.totalCount}`);
  }
  return lines;
}

export function prometheusText(p: IntervalProgress, durationUs: number): string {
  const lines = [
    '# TYPE fleetstorm_virtual_time_seconds gauge',
    `fleetstorm_virtual_time_seconds ${p.reachedUs / 1e6}`,
    '# TYPE fleetstorm_progress_ratio gauge',
    `fleetstorm_progress_ratio ${durationUs > 0 ? p.reachedUs / durationUs : 0}`,
    '# TYPE fleetstorm_events_total counter',
    `fleetstorm_events_total ${p.events}`,
    '# TYPE fleetstorm_devices gauge',
    ...CONN_STATES.map((s, i) => `fleetstorm_devices{state="${s}"} ${p.conn[i] ?? 0}`),
    '# TYPE fleetstorm_ota_devices gauge',
    ...OTA_STATES.map((s, i) => `fleetstorm_ota_devices{state="${s}"} ${p.ota[i] ?? 0}`),
    ...counters(p),
    ...summaries(p),
  ];
  return lines.join('\n') + '\n';
}
