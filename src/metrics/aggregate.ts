// Main-thread aggregation. Workers post one MetricsSnapshot per interval (several per interval,
// from several workers, in any order); counters and bucket counts add, so the result is exact
// and independent of arrival order. Keeps a cumulative histogram per metric (for mid-run
// progress and abort thresholds) and sparse per-interval bucket counts (turned into the series
// only in build(), so a long run does not hold one full histogram per interval).
import type { JsHistogram } from 'hdr-histogram-js';
import type { HistogramReport, Report } from '../reports/report-types.js';
import {
  C,
  CONN_STATES,
  COUNTERS,
  DERIVED,
  HISTOGRAMS,
  CS,
  OS,
  OTA_STATES,
  type DerivedName,
  type HistogramName,
} from './catalog.js';
import { computeDerived, type DerivedValues } from './derived.js';
import { DenseCounts, reportFromSparse, SparseAccumulator } from './hdr.js';
import { addSparse, newHistogram, type MetricsSnapshot } from './recorder.js';
import { buildSeries, type IntervalData, type StatesAt } from './series.js';
import { sumCounter, type MetricsSource } from './source.js';

export interface AggregatorOptions {
  intervalUs: number;
  /** Devices in the fleet (or this shard), reported as devices_total. */
  devices: number;
}

export interface BuildOptions {
  /** Virtual time reached; the series covers every interval up to it, and ends at it. */
  reachedUs?: number;
}

export interface AggregateResult {
  metrics: Report['metrics'];
  series: Report['series'];
}

function checkIndex(intervalIndex: number): void {
  if (!Number.isInteger(intervalIndex) || intervalIndex < 0) {
    throw new Error(`interval index must be a non-negative integer, got ${intervalIndex}`);
  }
}

export class Aggregator implements MetricsSource {
  readonly intervalUs: number;
  readonly devices: number;
  private readonly totals = new Float64Array(COUNTERS.length);
  private readonly cumulative = HISTOGRAMS.map(() => new DenseCounts());
  /** JsHistograms of the cumulative counts, built on first read after a change. */
  private readonly views: (JsHistogram | null)[] = HISTOGRAMS.map(() => null);
  private readonly intervals = new Map<number, IntervalData>();
  private readonly states = new Map<number, StatesAt>();
  private readonly onTarget = new Map<number, number>();
  private maxIndex = -1;

  constructor(options: AggregatorOptions) {
    if (!(options.intervalUs > 0)) throw new Error(`intervalUs must be > 0, got ${options.intervalUs}`);
    this.intervalUs = options.intervalUs;
    this.devices = options.devices;
  }

  /** Adds one worker's snapshot of one interval. */
  add(intervalIndex: number, snap: MetricsSnapshot): void {
    checkIndex(intervalIndex);
    if (snap.counters.length !== COUNTERS.length || snap.hists.length !== HISTOGRAMS.length) {
      throw new Error(
        `snapshot shape ${snap.counters.length}/${snap.hists.length} does not match the catalog ${COUNTERS.length}/${HISTOGRAMS.length}`,
      );
    }
    const data = this.interval(intervalIndex);
    for (let c = 0; c < COUNTERS.length; c++) {
      const v = snap.counters[c] as number;
      this.totals[c] = (this.totals[c] as number) + v;
      data.counters[c] = (data.counters[c] as number) + v;
    }
    for (let h = 0; h < HISTOGRAMS.length; h++) {
      const sparse = snap.hists[h];
      if (!sparse || sparse.idx.length === 0) continue;
      (this.cumulative[h] as DenseCounts).add(sparse);
      this.views[h] = null;
      let acc = data.hists[h];
      if (!acc) {
        acc = new SparseAccumulator();
        data.hists[h] = acc;
      }
      acc.add(sparse);
    }
  }

  /** Devices in each state (catalog order) at the end of an interval; replaces earlier values. */
  setStates(intervalIndex: number, connStates: number[], otaStates: number[]): void {
    checkIndex(intervalIndex);
    this.checkStates(connStates, otaStates);
    this.states.set(intervalIndex, { conn: [...connStates], ota: [...otaStates] });
    this.touch(intervalIndex);
  }

  /** Adds one worker's (or shard's) state counts to an interval's, for callers that do not sum. */
  addStates(intervalIndex: number, connStates: number[], otaStates: number[]): void {
    checkIndex(intervalIndex);
    this.checkStates(connStates, otaStates);
    const cur = this.states.get(intervalIndex);
    if (!cur) return this.setStates(intervalIndex, connStates, otaStates);
    cur.conn = cur.conn.map((v, i) => v + (connStates[i] as number));
    cur.ota = cur.ota.map((v, i) => v + (otaStates[i] as number));
  }

  /** Share of targeted devices on the rollout's version at the end of an interval. */
  setOnTargetRatio(intervalIndex: number, ratio: number): void {
    checkIndex(intervalIndex);
    this.onTarget.set(intervalIndex, ratio);
    this.touch(intervalIndex);
  }

  counter(name: string): number {
    return sumCounter(name, (full) => this.totals[(C as Record<string, number>)[full] ?? -1] ?? 0);
  }

  histogram(name: HistogramName): JsHistogram {
    const h = HISTOGRAMS.indexOf(name);
    const counts = this.cumulative[h];
    if (!counts) throw new Error(`unknown histogram ${name}`);
    let view = this.views[h];
    if (!view) {
      view = newHistogram();
      addSparse(view, counts.toSparse());
      this.views[h] = view;
    }
    return view;
  }

  derived(name: DerivedName): number | null {
    return this.derivedAll()[name];
  }

  derivedAll(): DerivedValues {
    return computeDerived({
      counter: (n) => this.counter(n),
      histogram: (n) => this.histogram(n),
      devices: this.devices,
      onTargetRatio: this.lastAt(this.onTarget) ?? null,
      committedDevices: this.lastAt(this.states)?.ota[OS.committed] ?? null,
      onlineDevices: onlineOf(this.lastAt(this.states)?.conn),
    });
  }

  /** Number of intervals seen so far (highest index + 1). */
  get intervalCount(): number {
    return this.maxIndex + 1;
  }

  build(options: BuildOptions = {}): AggregateResult {
    return { metrics: this.buildMetrics(), series: this.buildSeries(options) };
  }

  private buildMetrics(): Report['metrics'] {
    const histograms: Record<string, HistogramReport> = {};
    HISTOGRAMS.forEach(
      (name, h) => (histograms[name] = reportFromSparse((this.cumulative[h] as DenseCounts).toSparse())),
    );
    const counters: Record<string, number> = {};
    COUNTERS.forEach((name, c) => (counters[name] = this.totals[c] as number));
    const all = this.derivedAll();
    const derived: Record<string, number | null> = {};
    for (const name of DERIVED) derived[name] = all[name];
    return { histograms, counters, derived };
  }

  private buildSeries(options: BuildOptions): Report['series'] {
    const reached = options.reachedUs;
    const fromReached = reached === undefined ? 0 : Math.ceil(reached / this.intervalUs);
    const count = Math.max(this.maxIndex + 1, fromReached);
    const timesUs = Array.from({ length: count }, (_, i) => {
      const end = (i + 1) * this.intervalUs;
      // A run stopped mid-interval: its last point ends where the run did.
      const partial = i === count - 1 && reached !== undefined && reached > i * this.intervalUs;
      return partial ? Math.min(end, reached) : end;
    });
    return buildSeries({ timesUs, intervals: this.intervals, states: this.states, onTarget: this.onTarget });
  }

  private interval(intervalIndex: number): IntervalData {
    let data = this.intervals.get(intervalIndex);
    if (!data) {
      data = { counters: new Float64Array(COUNTERS.length), hists: [] };
      this.intervals.set(intervalIndex, data);
      this.touch(intervalIndex);
    }
    return data;
  }

  private touch(intervalIndex: number): void {
    if (intervalIndex > this.maxIndex) this.maxIndex = intervalIndex;
  }

  private lastAt<T>(m: Map<number, T>): T | undefined {
    let best = -1;
    for (const k of m.keys()) if (k > best) best = k;
    return best === -1 ? undefined : m.get(best);
  }

  private checkStates(connStates: number[], otaStates: number[]): void {
    if (connStates.length !== CONN_STATES.length || otaStates.length !== OTA_STATES.length) {
      throw new Error(
        `state counts ${connStates.length}/${otaStates.length} do not match the catalog ${CONN_STATES.length}/${OTA_STATES.length}`,
      );
    }
  }
}

/** Devices online in a connectivity-state count: connected, or asleep by their duty cycle. */
function onlineOf(conn: readonly number[] | undefined): number | null {
  return conn === undefined ? null : (conn[CS.connected] as number) + (conn[CS.sleeping] as number);
}
