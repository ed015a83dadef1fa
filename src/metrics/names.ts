// Metric name look-ups shared by the aggregator, derived values and thresholds: counter
// families (a bare family name sums every label set), unit-less aliases, and "did you mean".
import {
  COUNTERS,
  DERIVED,
  HISTOGRAMS,
  type CounterName,
  type DerivedName,
  type HistogramName,
} from './catalog.js';

/** `ota_failed_total{reason="verify"}` → `ota_failed_total`. */
export function familyOf(name: string): string {
  const brace = name.indexOf('{');
  return brace === -1 ? name : name.slice(0, brace);
}

/** Family name → the counters in it, in catalog order (an unlabelled counter is its own family). */
export const COUNTER_FAMILIES: ReadonlyMap<string, readonly CounterName[]> = (() => {
  const m = new Map<string, CounterName[]>();
  for (const c of COUNTERS) {
    const f = familyOf(c);
    const list = m.get(f);
    if (list) list.push(c);
    else m.set(f, [c]);
  }
  return m;
})();

const HISTOGRAM_SET: ReadonlySet<string> = new Set(HISTOGRAMS);
const COUNTER_SET: ReadonlySet<string> = new Set(COUNTERS);
const DERIVED_SET: ReadonlySet<string> = new Set(DERIVED);

export function isHistogramName(name: string): name is HistogramName {
  return HISTOGRAM_SET.has(name);
}
export function isCounterName(name: string): name is CounterName {
  return COUNTER_SET.has(name);
}
export function isDerivedName(name: string): name is DerivedName {
  return DERIVED_SET.has(name);
}

/**
 * Counters a name stands for: a full labelled name is one counter, a family name all of its
 * label sets. Labels are normalised first (`{ reason = 'verify' }` → `{reason="verify"}`).
 * Returns null for an unknown name.
 */
export function countersFor(name: string): readonly CounterName[] | null {
  const normal = normaliseLabels(name);
  if (isCounterName(normal)) return [normal];
  return normal.includes('{') ? null : (COUNTER_FAMILIES.get(normal) ?? null);
}

export function normaliseLabels(name: string): string {
  const brace = name.indexOf('{');
  if (brace === -1) return name.trim();
  const body = name.slice(brace + 1).replace(/\}\s*$/, '');
  const pairs = body
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const [k = '', ...rest] = p.split('=');
      const v = rest
        .join('=')
        .trim()
        .replace(/^['"]|['"]$/g, '');
      return `${k.trim()}="${v}"`;
    });
  return `${name.slice(0, brace).trim()}{${pairs.join(',')}}`;
}

/** Every name a threshold may use: histograms, counters, counter families, derived values. */
export function allMetricNames(): string[] {
  return [...new Set<string>([...HISTOGRAMS, ...COUNTERS, ...COUNTER_FAMILIES.keys(), ...DERIVED])];
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** The known names nearest to `name`, best first (ties in catalog order). */
export function closestNames(
  name: string,
  candidates: readonly string[] = allMetricNames(),
  n = 3,
): string[] {
  return candidates
    .map((c, i) => ({ c, i, d: editDistance(name, c) }))
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, n)
    .map((x) => x.c);
}
