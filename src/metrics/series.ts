// Turns the aggregator's per-interval data into Report['series']. Increments (counters,
// interval histograms) are zero where nothing was recorded; levels (states, on-target ratio)
// carry the last known value forward, since a state count holds until it is reported again.
import type { HistogramPoint, Report } from '../reports/report-types.js';
import { CONN_STATES, COUNTERS, HISTOGRAMS, OTA_STATES } from './catalog.js';
import { pointFromSparse, type SparseAccumulator } from './hdr.js';

export interface IntervalData {
  counters: Float64Array;
  /** Per histogram id; undefined when nothing was recorded in the interval. */
  hists: (SparseAccumulator | undefined)[];
}

export interface StatesAt {
  conn: number[];
  ota: number[];
}

export interface SeriesInput {
  timesUs: number[];
  intervals: ReadonlyMap<number, IntervalData>;
  states: ReadonlyMap<number, StatesAt>;
  onTarget: ReadonlyMap<number, number>;
}

function counterSeries(input: SeriesInput): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  COUNTERS.forEach((name, c) => {
    out[name] = input.timesUs.map((_, i) => input.intervals.get(i)?.counters[c] ?? 0);
  });
  return out;
}

const EMPTY = { idx: [], counts: [] };

function histogramSeries(input: SeriesInput): Record<string, HistogramPoint[]> {
  const out: Record<string, HistogramPoint[]> = {};
  HISTOGRAMS.forEach((name, h) => {
    out[name] = input.timesUs.map((_, i) =>
      pointFromSparse(input.intervals.get(i)?.hists[h]?.view() ?? EMPTY),
    );
  });
  return out;
}

/** Carries each interval's level forward to intervals that did not report one. */
function levels<T>(count: number, at: ReadonlyMap<number, T>, initial: T): T[] {
  const out: T[] = [];
  let last = initial;
  for (let i = 0; i < count; i++) {
    last = at.get(i) ?? last;
    out.push(last);
  }
  return out;
}

function stateSeries(names: readonly string[], perInterval: number[][]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  names.forEach((name, s) => (out[name] = perInterval.map((counts) => counts[s] ?? 0)));
  return out;
}

export function buildSeries(input: SeriesInput): Report['series'] {
  const n = input.timesUs.length;
  const states = levels<StatesAt>(n, input.states, {
    conn: CONN_STATES.map(() => 0),
    ota: OTA_STATES.map(() => 0),
  });
  return {
    timesUs: [...input.timesUs],
    counters: counterSeries(input),
    histograms: histogramSeries(input),
    connStates: stateSeries(
      CONN_STATES,
      states.map((s) => s.conn),
    ),
    otaStates: stateSeries(
      OTA_STATES,
      states.map((s) => s.ota),
    ),
    onTargetRatio: levels(n, input.onTarget, 0),
  };
}
