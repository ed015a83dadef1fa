// Turns the report's fault timeline and rollout waves into time-axis markers (drawn on every
// chart) and lanes (the "what happened when" chart). Faults that fire per device (`during:`)
// can have thousands of timeline entries; nearby ones are merged so a chart draws tens of shapes.
import { lastingShort } from '../fault-facts.js';
import type { FaultConfig } from '../../scenario/types.js';
import type { FaultTimelineEntry, Report } from '../report-types.js';
import { formatCount, formatRatio, formatVirtualTime } from './format.js';
import { COLORS, WAVE_COLOR } from './palette.js';
import type { TimelineLane, TimelineSpan } from './svg/timeline-chart.js';
import type { TimeMarker } from './svg/types.js';

const FAULT_PALETTE = [
  COLORS.vermillion,
  COLORS.purple,
  COLORS.orange,
  COLORS.olive,
  COLORS.dark,
  COLORS.sky,
] as const;
/** Above this many entries a fault is drawn as ticks, not shaded bands. */
const MAX_BAND_ENTRIES = 24;
/** Merge entries closer than this share of the time axis (about one pixel). */
const MERGE_SHARE = 1 / 900;

export interface FaultGroup {
  faultId: string;
  type: string;
  color: string;
  perDevice: boolean;
  devicesHit: number;
  spans: (TimelineSpan & { devicesHit: number })[];
}

/** `1 device hit`, `980k devices hit`. */
export function devicesHit(n: number): string {
  return `${formatCount(n)} device${n === 1 ? '' : 's'} hit`;
}

/** The time axis every chart shares: the planned duration, or further if the run went on. */
export function timeDomain(report: Report): [number, number] {
  const last = report.series.timesUs[report.series.timesUs.length - 1] ?? 0;
  const end = Math.max(report.scenario.durationUs, report.reachedUs, last, 1);
  return [0, end];
}

function mergeEntries(entries: readonly FaultTimelineEntry[], gapUs: number): FaultGroup['spans'] {
  const sorted = [...entries].sort((a, b) => a.atUs - b.atUs);
  const spans: FaultGroup['spans'] = [];
  for (const e of sorted) {
    const last = spans[spans.length - 1];
    const endUs = e.atUs + Math.max(0, e.durationUs);
    if (last !== undefined && e.atUs <= last.endUs + gapUs) {
      last.endUs = Math.max(last.endUs, endUs);
      last.devicesHit += e.devicesHit;
    } else {
      spans.push({ startUs: e.atUs, endUs, devicesHit: e.devicesHit, detail: '' });
    }
  }
  for (const s of spans) s.detail = devicesHit(s.devicesHit);
  return spans;
}

/** One group per fault id, in order of first firing. */
export function faultGroups(report: Report): FaultGroup[] {
  // Every chart draws the fault markers: group the firings once per report, not per chart.
  let groups = groupCache.get(report);
  if (groups === undefined) {
    groups = buildFaultGroups(report);
    groupCache.set(report, groups);
  }
  return groups;
}

const groupCache = new WeakMap<Report, FaultGroup[]>();

function buildFaultGroups(report: Report): FaultGroup[] {
  const [d0, d1] = timeDomain(report);
  // Linear in firings: a report may hold millions (per-device faults, merged shards).
  const byId = new Map<string, FaultTimelineEntry[]>();
  for (const e of report.faults) {
    const list = byId.get(e.faultId);
    if (list) list.push(e);
    else byId.set(e.faultId, [e]);
  }
  const configs = new Map<string, { index: number; config: FaultConfig }>();
  report.scenario.faults.forEach((f, index) => {
    if (!configs.has(f.id)) configs.set(f.id, { index, config: f });
  });
  const configIndex = (id: string): number => configs.get(id)?.index ?? -1;
  const ids = [...byId.keys()];
  ids.sort((a, b) =>
    configIndex(a) === configIndex(b) ? a.localeCompare(b) : configIndex(a) - configIndex(b),
  );
  return ids.map((id, i) => {
    const entries = byId.get(id) ?? [];
    const config = configs.get(id)?.config;
    return {
      faultId: id,
      type: config?.type ?? entries[0]?.type ?? 'fault',
      color: FAULT_PALETTE[i % FAULT_PALETTE.length] ?? COLORS.vermillion,
      perDevice: (config?.during ?? null) !== null || entries.length > MAX_BAND_ENTRIES,
      devicesHit: entries.reduce((n, e) => n + e.devicesHit, 0),
      spans: mergeEntries(entries, (d1 - d0) * MERGE_SHARE),
    };
  });
}

export function faultMarkers(report: Report): TimeMarker[] {
  const markers: TimeMarker[] = [];
  let row = 0;
  for (const g of faultGroups(report)) {
    const legend = g.perDevice ? `${g.type} (per device)` : g.type;
    for (const s of g.spans) {
      const style = g.perDevice ? 'tick' : s.endUs > s.startUs ? 'band' : 'line';
      markers.push({
        startUs: s.startUs,
        endUs: s.endUs,
        label: g.type,
        detail: `${g.faultId}, ${s.detail}`,
        color: g.color,
        style,
        legend,
        row,
      });
    }
    if (g.perDevice) row += 1;
  }
  const [, end] = timeDomain(report);
  if (report.reachedUs < end && report.status !== 'completed') {
    markers.push({
      startUs: report.reachedUs,
      endUs: end,
      label: `not reached (${report.status})`,
      detail: report.statusReason ?? 'the run stopped before its planned duration',
      color: COLORS.grey,
      style: 'band',
      legend: 'not reached',
    });
  }
  return markers;
}

function waveLabel(report: Report, index: number): string {
  const wave = report.scenario.rollout?.waves[index];
  if (wave === undefined) return `wave ${index + 1}`;
  const target = wave.ratio !== null ? formatRatio(wave.ratio) : formatCount(wave.count);
  return `wave ${index + 1} (${target})`;
}

export function waveMarkers(report: Report): TimeMarker[] {
  const waves = report.rollout?.waves ?? [];
  return waves.flatMap((w) =>
    w.startedAtUs === null
      ? []
      : [
          {
            startUs: w.startedAtUs,
            endUs: w.startedAtUs,
            label: `W${w.index + 1}`,
            detail: `${waveLabel(report, w.index)} started, ${formatCount(w.targeted)} device${w.targeted === 1 ? '' : 's'} targeted`,
            color: WAVE_COLOR,
            style: 'line' as const,
            legend: 'rollout wave start',
          },
        ],
  );
}

export function timelineLanes(report: Report): TimelineLane[] {
  const lanes: TimelineLane[] = [];
  const { startUs, spreadUs } = report.scenario.powerOn;
  lanes.push({
    label: `power-on · ${formatCount(report.devices)} devices`,
    color: COLORS.green,
    spans: [{ startUs, endUs: startUs + spreadUs, detail: `spread over ${formatVirtualTime(spreadUs)}` }],
  });
  for (const w of report.rollout?.waves ?? []) {
    if (w.startedAtUs === null) continue;
    const endUs = w.endedAtUs ?? report.reachedUs;
    const detail = `${formatCount(w.succeeded)} updated, ${formatCount(w.failed)} failed, ${formatCount(w.bricked)} bricked`;
    const open = w.endedAtUs === null ? ` · ${formatCount(w.pending)} pending at the end` : '';
    lanes.push({
      label: `${waveLabel(report, w.index)} → ${report.rollout?.version ?? '?'} · ${formatCount(w.targeted)} targeted${open}`,
      color: WAVE_COLOR,
      spans: [{ startUs: w.startedAtUs, endUs, detail }],
    });
  }
  for (const g of faultGroups(report)) {
    const config = report.scenario.faults.find((f) => f.id === g.faultId);
    const cond = config?.when ?? null;
    const lasting = config === undefined ? '' : lastingShort(config);
    lanes.push({
      label: `${g.type} (${g.faultId}) · ${devicesHit(g.devicesHit)}${lasting === '' ? '' : ` · ${lasting}`}${cond === null ? '' : ` · when ${cond}`}`,
      color: g.color,
      spans: g.spans,
    });
  }
  return lanes;
}
