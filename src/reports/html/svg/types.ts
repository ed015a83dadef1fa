// The chart specification the report sections build and the SVG renderers draw. Charts only
// ever plot aggregated per-interval series, so a million-device report stays small.

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per entry of `timesUs`; null leaves a gap (no data in that interval). */
  values: readonly (number | null)[];
  dashed?: boolean;
}

/**
 * Something that happened over a stretch of virtual time: a fault, a rollout wave start.
 * `band` shades the whole plot height and gets a label; `tick` is a small mark in the strip at
 * the top of the plot (for faults that fire per device, thousands of times); `line` is a
 * vertical rule at `startUs`.
 */
export interface TimeMarker {
  startUs: number;
  endUs: number;
  label: string;
  detail: string;
  color: string;
  style: 'band' | 'tick' | 'line';
  /** Legend entry markers are grouped under (a fault type, "wave start"). */
  legend: string;
  /** Ticks: which row of the strip above the plot (one row per per-device fault). */
  row?: number;
}

export interface ChartSpec {
  /** Stable id, emitted as `data-chart`. */
  id: string;
  title: string;
  subtitle?: string;
  /** End of each interval, virtual µs. */
  timesUs: readonly number[];
  /** Time axis range, usually [0, scenario duration]. */
  domainUs: [number, number];
  series: ChartSeries[];
  markers: TimeMarker[];
  /** Formats y ticks and tooltip values. */
  formatY: (value: number) => string;
  /** `auto` picks log10 when positive values span more than two decades. */
  yScale?: 'linear' | 'log' | 'auto';
  /** `duration`: values are µs and y ticks fall on human steps (5m, 1s, 10ms…). */
  yUnit?: 'count' | 'duration' | 'ratio';
  /** Forces the top of the y axis (e.g. 1 for ratios). */
  yMax?: number;
  /** How to reduce intervals when there are more than the chart draws: `max` keeps spikes. */
  reduce?: 'max' | 'last';
}
