// What every time chart shares: geometry, axes with human-unit ticks, fault and wave markers on
// the time axis, the legend, the hover payload and the <figure> wrapper.
import { esc } from '../escape.js';
import { formatVirtualTime } from '../format.js';
import { linearScale, px, timeTicks, type Scale } from './scale.js';
import type { ChartSeries, ChartSpec, TimeMarker } from './types.js';

export const WIDTH = 960;
export const HEIGHT = 280;
export const PLOT = { left: 66, right: WIDTH - 18, top: 46, bottom: HEIGHT - 26 } as const;
const LABEL_ROWS_Y = [12, 25];
/** Per-device fault ticks sit in rows just above the plot, clear of the data. */
const STRIP_ROW_PX = 4;
const STRIP_GAP_PX = 1;
const STRIP_ROWS = 3;

export function timeScale(domainUs: [number, number]): Scale {
  return linearScale(domainUs, [PLOT.left, PLOT.right], timeTicks(domainUs[0], domainUs[1]));
}

/** Grid, y labels, x ticks and labels. */
export function renderAxes(x: Scale, y: Scale, formatY: (v: number) => string): string {
  const out: string[] = ['<g class="axes">'];
  for (const t of y.ticks) {
    const yy = px(y.map(t));
    out.push(`<line class="grid" x1="${PLOT.left}" x2="${PLOT.right}" y1="${yy}" y2="${yy}"/>`);
    out.push(`<text class="ylab" x="${PLOT.left - 6}" y="${yy}" dy="0.32em">${esc(formatY(t))}</text>`);
  }
  for (const t of x.ticks) {
    const xx = px(x.map(t));
    out.push(`<line class="tick" x1="${xx}" x2="${xx}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 4}"/>`);
    out.push(`<text class="xlab" x="${xx}" y="${PLOT.bottom + 16}">${esc(formatVirtualTime(t))}</text>`);
  }
  out.push(
    `<line class="axis" x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}"/>`,
  );
  out.push(`<line class="axis" x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}"/>`);
  out.push('</g>');
  return out.join('');
}

function visible(x: Scale, m: TimeMarker): boolean {
  return m.endUs >= x.domain[0] && m.startUs <= x.domain[1];
}

function stripY(row: number): number {
  const r = Math.min(Math.max(0, row), STRIP_ROWS - 1);
  return PLOT.top - 2 - (r + 1) * STRIP_ROW_PX - r * STRIP_GAP_PX;
}

function clampX(x: Scale, us: number): number {
  return Math.min(PLOT.right, Math.max(PLOT.left, x.map(us)));
}

function markerTitle(m: TimeMarker): string {
  const span =
    m.endUs > m.startUs
      ? `${formatVirtualTime(m.startUs)}–${formatVirtualTime(m.endUs)}`
      : formatVirtualTime(m.startUs);
  return `<title>${esc(`${m.label} @ ${span}: ${m.detail}`)}</title>`;
}

/** Shades, rules and the tick strip; drawn below the data. */
export function renderMarkerShapes(x: Scale, markers: readonly TimeMarker[]): string {
  const out: string[] = ['<g class="markers">'];
  for (const m of markers.filter((mk) => visible(x, mk))) {
    const x0 = clampX(x, m.startUs);
    const x1 = Math.max(clampX(x, m.endUs), x0 + 1.5);
    const h = PLOT.bottom - PLOT.top;
    if (m.style === 'band') {
      out.push(
        `<rect class="band" x="${px(x0)}" y="${PLOT.top}" width="${px(x1 - x0)}" height="${h}" fill="${m.color}">${markerTitle(m)}</rect>`,
      );
      out.push(
        `<line class="band-edge" x1="${px(x0)}" x2="${px(x0)}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="${m.color}"/>`,
      );
    } else if (m.style === 'line') {
      out.push(
        `<line class="rule" x1="${px(x0)}" x2="${px(x0)}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="${m.color}">${markerTitle(m)}</line>`,
      );
    } else {
      out.push(
        `<rect class="strip" x="${px(x0)}" y="${stripY(m.row ?? 0)}" width="${px(x1 - x0)}" height="${STRIP_ROW_PX}" fill="${m.color}">${markerTitle(m)}</rect>`,
      );
    }
  }
  out.push('</g>');
  return out.join('');
}

/** Labels above the plot for bands and rules, in two rows; a label that fits nowhere is dropped. */
export function renderMarkerLabels(x: Scale, markers: readonly TimeMarker[]): string {
  const rowEnds = LABEL_ROWS_Y.map(() => -Infinity);
  const out: string[] = ['<g class="marker-labels">'];
  const labelled = markers
    .filter((m) => m.style !== 'tick' && visible(x, m))
    .sort((a, b) => a.startUs - b.startUs);
  for (const m of labelled) {
    const x0 = clampX(x, m.startUs);
    const widthPx = m.label.length * 6.2 + 6;
    const row = rowEnds.findIndex((end) => x0 >= end);
    if (row < 0) continue;
    rowEnds[row] = x0 + widthPx;
    const anchorEnd = x0 + widthPx > WIDTH;
    out.push(
      `<text class="mlab" x="${px(anchorEnd ? x0 - 2 : x0 + 2)}" y="${LABEL_ROWS_Y[row] ?? 12}" fill="${m.color}"${anchorEnd ? ' text-anchor="end"' : ''}>${esc(m.label)}${markerTitle(m)}</text>`,
    );
  }
  out.push('</g>');
  return out.join('');
}

export function renderLegend(
  series: readonly ChartSeries[],
  markers: readonly TimeMarker[],
  x: Scale,
): string {
  const items = series.map(
    (s) =>
      `<li><span class="swatch${s.dashed === true ? ' dashed' : ''}" style="--c:${s.color}"></span>${esc(s.label)}</li>`,
  );
  const groups = new Map<string, TimeMarker>();
  for (const m of markers) if (!groups.has(m.legend) && visible(x, m)) groups.set(m.legend, m);
  let first = true;
  for (const [legend, m] of groups) {
    const kind = m.style === 'line' ? 'rule' : m.style === 'tick' ? 'tickmark' : 'band';
    items.push(
      `<li class="marker-item${first ? ' first' : ''}"><span class="swatch ${kind}" style="--c:${m.color}"></span>${esc(legend)}</li>`,
    );
    first = false;
  }
  return `<ul class="legend">${items.join('')}</ul>`;
}

export interface HoverData {
  /** Pixel x of each plotted point. */
  x: number[];
  /** Time label of each point. */
  t: string[];
  s: { l: string; c: string; v: string[] }[];
}

export function hoverData(
  xs: readonly number[],
  timesUs: readonly number[],
  series: readonly ChartSeries[],
  formatY: (v: number) => string,
): HoverData {
  return {
    x: xs.map((v) => Math.round(v * 10) / 10),
    t: timesUs.map((t) => formatVirtualTime(t)),
    s: series.map((s) => ({
      l: s.label,
      c: s.color,
      v: s.values.map((v) => (v === null ? '–' : formatY(v))),
    })),
  };
}

export interface FigureParts {
  spec: ChartSpec;
  body: string;
  points: number;
  hover: HoverData | null;
  legend: string;
  /** viewBox height; defaults to HEIGHT. */
  height?: number;
}

/** Clips the data to the plot area so lines never cross the axes. */
export function clipDef(id: string): { def: string; ref: string } {
  const clipId = `clip-${id}`;
  const h = PLOT.bottom - PLOT.top + 2;
  return {
    def: `<defs><clipPath id="${esc(clipId)}"><rect x="${PLOT.left}" y="${PLOT.top - 1}" width="${PLOT.right - PLOT.left}" height="${h}"/></clipPath></defs>`,
    ref: `clip-path="url(#${esc(clipId)})"`,
  };
}

export function renderFigure({ spec, body, points, hover, legend, height = HEIGHT }: FigureParts): string {
  const id = esc(spec.id);
  const plotBottom = height - (HEIGHT - PLOT.bottom);
  const sub = spec.subtitle === undefined ? '' : `<p class="sub">${esc(spec.subtitle)}</p>`;
  const hoverAttr = hover === null ? '' : ' data-hover=""';
  // A JSON data block is never executed; only `<` needs escaping so `</script>` cannot occur.
  const hoverJson =
    hover === null
      ? ''
      : `<script type="application/json" class="chart-data">${JSON.stringify(hover).replace(/</g, '\\u003c')}</script>`;
  return [
    `<figure class="chart" id="chart-${id}">`,
    `<figcaption><h3>${esc(spec.title)}</h3>${sub}</figcaption>`,
    legend,
    `<svg data-chart="${id}" data-points="${points}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="t-${id}"${hoverAttr} xmlns="http://www.w3.org/2000/svg">`,
    `<title id="t-${id}">${esc(spec.title)}</title>`,
    body,
    `<line class="crosshair" x1="0" x2="0" y1="${PLOT.top}" y2="${plotBottom}" visibility="hidden"/>`,
    '</svg>',
    hoverJson,
    '</figure>',
  ].join('');
}
