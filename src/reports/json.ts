// report.json: 2-space indented JSON whose text depends only on the report's values, not on
// the order its objects were built in. Keys follow one fixed rank (report fields in schema order,
// metric and state names in catalog order), unranked keys come after, sorted. Arrays of numbers
// and small flat objects (series points) stay on one line, so a day of series stays readable.
import { writeFile } from 'node:fs/promises';
import { CONN_STATES, COUNTERS, DERIVED, HISTOGRAMS, OTA_STATES } from '../metrics/catalog.js';
import type { Report } from './report-types.js';

// prettier-ignore
const FIELD_ORDER = [
  // Report
  'schemaVersion', 'tool', 'scenario', 'seed', 'replay', 'status', 'statusReason', 'verdict', 'reachedUs',
  'intervalUs', 'devices', 'metrics', 'series', 'thresholds', 'faults', 'rollout', 'commands', 'outcomes', 'warnings', 'run',
  // tool, metrics, series
  'name', 'version', 'timesUs', 'histograms', 'counters', 'derived', 'connStates', 'otaStates', 'onTargetRatio',
  // HistogramReport / HistogramPoint
  'count', 'minUs', 'meanUs', 'p50Us', 'p90Us', 'p99Us', 'p999Us', 'maxUs', 'hdr',
  // ThresholdResult
  'expr', 'abortOnFail', 'observed', 'limit', 'ok', 'message',
  // FaultTimelineEntry
  'faultId', 'type', 'atUs', 'durationUs', 'devicesHit',
  // RolloutReport / WaveReport
  'state', 'stateReason', 'waves', 'index', 'startedAtUs', 'endedAtUs', 'targeted', 'offered', 'succeeded',
  'failed', 'rolledBack', 'bricked', 'pending',
  // outcomes / DeviceOutcome
  'total', 'sample', 'file', 'device', 'deviceType', 'outcome', 'operation', 'trail', 'event',
  // run
  'startedAt', 'wallMs', 'node', 'platform', 'workers', 'eventsProcessed', 'outDir',
  // ResolvedScenario (leading fields; the rest sorted)
  'description', 'sourcePath', 'profile', 'mode', 'min', 'max',
  // catalog names
  ...HISTOGRAMS, ...COUNTERS, ...DERIVED, ...CONN_STATES, ...OTA_STATES,
];

const RANK: ReadonlyMap<string, number> = new Map([...new Set(FIELD_ORDER)].map((k, i) => [k, i]));

/** The order keys are written in: ranked keys by rank, then the rest by code point. */
export function orderKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => {
    const ra = RANK.get(a);
    const rb = RANK.get(b);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function isFlat(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isPrimitive);
}

function scalar(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
  return JSON.stringify(v) ?? 'null';
}

// Series repeat the same object shapes thousands of times; sort each key set once.
const orderCache = new Map<string, string[]>();

function orderedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  const signature = keys.join('\u0000');
  let ordered = orderCache.get(signature);
  if (!ordered) {
    ordered = orderKeys(keys);
    if (orderCache.size < 1000) orderCache.set(signature, ordered);
  }
  return ordered;
}

function entries(obj: Record<string, unknown>): [string, unknown][] {
  return orderedKeys(obj)
    .filter((k) => obj[k] !== undefined)
    .map((k) => [k, obj[k]]);
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  const parts = entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${scalar(x)}`);
  return `{ ${parts.join(', ')} }`;
}

function write(v: unknown, indent: string, inArray: boolean): string {
  if (isPrimitive(v)) return scalar(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isPrimitive)) return inline(v);
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + write(x, inner, true)).join(',\n')}\n${indent}]`;
  }
  const obj = v as Record<string, unknown>;
  const list = entries(obj);
  if (list.length === 0) return '{}';
  if (inArray && isFlat(obj)) return inline(obj);
  const inner = indent + '  ';
  const body = list.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner, false)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}

/** Stable JSON text of any JSON-compatible value (see file comment), ending with a newline. */
export function stableJson(value: unknown): string {
  return `${write(value, '', false)}\n`;
}

export function reportToJson(report: Report): string {
  return stableJson(report);
}

/** Hash input for determinism checks: the report without its `run` facts (wall clock, host). */
export function deterministicJson(report: Report): string {
  const rest: Partial<Report> = { ...report };
  delete rest.run;
  return stableJson(rest);
}

export async function writeReportJson(path: string, report: Report): Promise<void> {
  await writeFile(path, reportToJson(report), 'utf8');
}
