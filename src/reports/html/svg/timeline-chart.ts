// Lane chart ("what happened when"): one lane per fault or rollout wave, a bar per firing, on
// the same time axis and plot margins as every other chart so they line up vertically.
import { esc } from '../escape.js';
import { formatVirtualTime } from '../format.js';
import { HEIGHT, PLOT, WIDTH, renderFigure, timeScale } from './frame.js';
import { px, type Scale } from './scale.js';
import type { ChartSpec } from './types.js';

export interface TimelineSpan {
  startUs: number;
  endUs: number;
  detail: string;
}

export interface TimelineLane {
  label: string;
  color: string;
  spans: TimelineSpan[];
}

export interface TimelineSpec {
  id: string;
  title: string;
  subtitle?: string;
  domainUs: [number, number];
  lanes: TimelineLane[];
}

const LANE_PX = 24;
/** No marker labels above a lane chart: it starts right under its legend. */
const TOP_PX = 8;
const BAR_PX = 14;
const MIN_BAR_PX = 2;
const LABEL_CHAR_PX = 6.4;

/** Where a lane's label goes: right of its bars, else left of them, else inside the first bar. */
function laneLabel(lane: TimelineLane, x: Scale, barTop: number): string {
  const first = lane.spans[0];
  const end = lane.spans.length === 0 ? PLOT.left : Math.max(...lane.spans.map((s) => x.map(s.endUs)));
  const start = first === undefined ? PLOT.left : Math.max(PLOT.left, x.map(first.startUs));
  const firstEnd = first === undefined ? start : Math.min(PLOT.right, x.map(first.endUs));
  const widthPx = lane.label.length * LABEL_CHAR_PX;
  let lx = start + 6;
  let cls = 'lane-label on-bar';
  let anchor = 'start';
  if (end + 6 + widthPx <= PLOT.right) [lx, cls] = [end + 6, 'lane-label'];
  else if (start - 6 - widthPx >= PLOT.left) [lx, cls, anchor] = [start - 6, 'lane-label', 'end'];
  else if (firstEnd - start < widthPx + 12) cls = 'lane-label halo';
  return `<text class="${cls}" x="${px(lx)}" y="${px(barTop + BAR_PX / 2)}" dy="0.34em" text-anchor="${anchor}">${esc(lane.label)}</text>`;
}

function laneBars(lane: TimelineLane, x: Scale, barTop: number): string {
  return lane.spans
    .map((s) => {
      const x0 = Math.max(PLOT.left, x.map(s.startUs));
      const x1 = Math.max(Math.min(PLOT.right, x.map(s.endUs)), x0 + MIN_BAR_PX);
      const span =
        s.endUs > s.startUs
          ? `${formatVirtualTime(s.startUs)}–${formatVirtualTime(s.endUs)}`
          : formatVirtualTime(s.startUs);
      const title = `<title>${esc(`${lane.label} @ ${span}: ${s.detail}`)}</title>`;
      return `<rect class="lane-bar" x="${px(x0)}" y="${barTop}" width="${px(x1 - x0)}" height="${BAR_PX}" rx="2" fill="${lane.color}">${title}</rect>`;
    })
    .join('');
}

function axis(x: Scale, bottom: number): string {
  const out: string[] = [];
  for (const t of x.ticks) {
    const xx = px(x.map(t));
    out.push(`<line class="grid" x1="${xx}" x2="${xx}" y1="${TOP_PX}" y2="${bottom}"/>`);
    out.push(`<text class="xlab" x="${xx}" y="${bottom + 16}">${esc(formatVirtualTime(t))}</text>`);
  }
  out.push(`<line class="axis" x1="${PLOT.left}" x2="${PLOT.right}" y1="${bottom}" y2="${bottom}"/>`);
  return `<g class="axes">${out.join('')}</g>`;
}

export function renderTimelineChart(spec: TimelineSpec): string {
  const x = timeScale(spec.domainUs);
  const bottom = TOP_PX + Math.max(1, spec.lanes.length) * LANE_PX;
  const height = bottom + (HEIGHT - PLOT.bottom);
  const lanes = spec.lanes.map((lane, i) => {
    const barTop = TOP_PX + i * LANE_PX + (LANE_PX - BAR_PX) / 2;
    const stripe =
      i % 2 === 0
        ? `<rect class="lane-bg" x="${PLOT.left}" y="${TOP_PX + i * LANE_PX}" width="${PLOT.right - PLOT.left}" height="${LANE_PX}"/>`
        : '';
    return stripe + laneBars(lane, x, barTop) + laneLabel(lane, x, barTop);
  });
  const chartSpec: ChartSpec = {
    id: spec.id,
    title: spec.title,
    timesUs: [],
    domainUs: spec.domainUs,
    series: [],
    markers: [],
    formatY: String,
    ...(spec.subtitle === undefined ? {} : { subtitle: spec.subtitle }),
  };
  return renderFigure({
    spec: chartSpec,
    body: `<rect class="bg" x="0" y="0" width="${WIDTH}" height="${height}" fill="none"/>${axis(x, bottom)}<g class="lanes">${lanes.join('')}</g>`,
    points: spec.lanes.reduce((n, l) => n + l.spans.length, 0),
    hover: null,
    legend: '',
    height,
  });
}
