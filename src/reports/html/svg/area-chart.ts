// Stacked area chart over virtual time: devices by state. Layers are stacked in series order,
// first at the bottom; an interval with no data counts as zero.
import { esc } from '../escape.js';
import { countPoints, downsample } from './downsample.js';
import {
  PLOT,
  hoverData,
  renderAxes,
  renderFigure,
  renderLegend,
  renderMarkerLabels,
  renderMarkerShapes,
  timeScale,
} from './frame.js';
import { linearScale, niceLinear, px } from './scale.js';
import type { ChartSeries, ChartSpec } from './types.js';

/** Cumulative tops: tops[k][i] = sum of series 0..k at interval i. */
function stack(series: readonly ChartSeries[], length: number): number[][] {
  const tops: number[][] = [];
  let below = new Array<number>(length).fill(0);
  for (const s of series) {
    const top = below.map((b, i) => b + Math.max(0, s.values[i] ?? 0));
    tops.push(top);
    below = top;
  }
  return tops;
}

function layerPolygon(
  xs: readonly number[],
  top: readonly number[],
  bottom: readonly number[],
  mapY: (v: number) => number,
): string {
  const upper = xs.map((xv, i) => `${px(xv)},${px(mapY(top[i] ?? 0))}`);
  const lower = xs.map((xv, i) => `${px(xv)},${px(mapY(bottom[i] ?? 0))}`).reverse();
  return [...upper, ...lower].join(' ');
}

export function renderAreaChart(spec: ChartSpec): string {
  const { timesUs, series } = downsample(spec.timesUs, spec.series, spec.reduce ?? 'last');
  const x = timeScale(spec.domainUs);
  const tops = stack(series, timesUs.length);
  const total = tops[tops.length - 1] ?? [];
  const max = spec.yMax ?? Math.max(1, ...total);
  const { domain, ticks } = niceLinear(0, max);
  const y = linearScale(domain, [PLOT.bottom, PLOT.top], ticks);
  const xs = timesUs.map((t) => x.map(t));
  const zero = new Array<number>(timesUs.length).fill(0);
  const layers = series.map((s, k) => {
    const points = layerPolygon(xs, tops[k] ?? zero, tops[k - 1] ?? zero, y.map);
    return `<polygon class="area" points="${points}" fill="${s.color}"><title>${esc(s.label)}</title></polygon>`;
  });
  const body = [
    renderAxes(x, y, spec.formatY),
    `<g class="series">${layers.join('')}</g>`,
    renderMarkerShapes(x, spec.markers),
    renderMarkerLabels(x, spec.markers),
  ].join('');
  return renderFigure({
    spec,
    body,
    points: countPoints(series, timesUs.length),
    hover: hoverData(xs, timesUs, [...series].reverse(), spec.formatY),
    legend: renderLegend([...series].reverse(), spec.markers, x),
  });
}
