// Line chart over virtual time: one polyline per series (gaps where an interval had no data),
// linear or log10 y axis, fault/wave markers on the time axis, hover payload.
import { countPoints, downsample } from './downsample.js';
import {
  PLOT,
  clipDef,
  hoverData,
  renderAxes,
  renderFigure,
  renderLegend,
  renderMarkerLabels,
  renderMarkerShapes,
  timeScale,
} from './frame.js';
import {
  linearScale,
  logScale,
  niceDurationLinear,
  niceDurationLog,
  niceLinear,
  niceLog,
  px,
  type Scale,
} from './scale.js';
import type { ChartSeries, ChartSpec } from './types.js';

const DOTS_BELOW_POINTS = 48;

function valueRange(series: readonly ChartSeries[]): { min: number; max: number; minPositive: number } {
  let min = Infinity;
  let max = -Infinity;
  let minPositive = Infinity;
  for (const s of series) {
    for (const v of s.values) {
      if (v === null || !Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v > 0) minPositive = Math.min(minPositive, v);
    }
  }
  return { min, max, minPositive };
}

/** The y scale: log10 when asked, or on `auto` when positive values span more than 2 decades. */
export function yScaleFor(spec: ChartSpec, series: readonly ChartSeries[]): Scale {
  const { min, max, minPositive } = valueRange(series);
  const top = spec.yMax ?? (Number.isFinite(max) ? max : 1);
  const range: [number, number] = [PLOT.bottom, PLOT.top];
  const wantLog =
    spec.yScale === 'log' ||
    (spec.yScale === 'auto' && Number.isFinite(minPositive) && top / minPositive > 100);
  const duration = spec.yUnit === 'duration';
  if (wantLog && Number.isFinite(minPositive)) {
    const { domain, ticks } = duration ? niceDurationLog(minPositive, top) : niceLog(minPositive, top);
    return logScale(domain, range, ticks);
  }
  const low = Math.min(0, Number.isFinite(min) ? min : 0);
  const { domain, ticks } = duration && low === 0 ? niceDurationLinear(top) : niceLinear(low, top);
  return linearScale(domain, range, ticks);
}

function seriesPath(s: ChartSeries, xs: readonly number[], y: Scale): string {
  let d = '';
  let penDown = false;
  for (let i = 0; i < xs.length; i += 1) {
    const v = s.values[i] ?? null;
    if (v === null || !Number.isFinite(v)) {
      penDown = false;
      continue;
    }
    d += `${penDown ? 'L' : 'M'}${px(xs[i] ?? 0)} ${px(y.map(v))}`;
    penDown = true;
  }
  return d;
}

function seriesDots(s: ChartSeries, xs: readonly number[], y: Scale): string {
  const dots: string[] = [];
  for (let i = 0; i < xs.length; i += 1) {
    const v = s.values[i] ?? null;
    if (v === null) continue;
    dots.push(`<circle cx="${px(xs[i] ?? 0)}" cy="${px(y.map(v))}" r="2.5" fill="${s.color}"/>`);
  }
  return dots.join('');
}

export function renderLineChart(spec: ChartSpec): string {
  const { timesUs, series } = downsample(spec.timesUs, spec.series, spec.reduce ?? 'max');
  const x = timeScale(spec.domainUs);
  const y = yScaleFor(spec, series);
  const xs = timesUs.map((t) => x.map(t));
  const lines = series.map((s) => {
    const dash = s.dashed === true ? ' stroke-dasharray="5 4"' : '';
    const dots = timesUs.length < DOTS_BELOW_POINTS ? seriesDots(s, xs, y) : '';
    return `<path class="line" d="${seriesPath(s, xs, y)}" stroke="${s.color}"${dash}/>${dots}`;
  });
  const clip = clipDef(spec.id);
  const body = [
    clip.def,
    renderMarkerShapes(x, spec.markers),
    renderAxes(x, y, spec.formatY),
    `<g class="series" ${clip.ref}>${lines.join('')}</g>`,
    renderMarkerLabels(x, spec.markers),
  ].join('');
  return renderFigure({
    spec,
    body,
    points: countPoints(series, timesUs.length),
    hover: hoverData(xs, timesUs, series, spec.formatY),
    legend: renderLegend(series, spec.markers, x),
  });
}
