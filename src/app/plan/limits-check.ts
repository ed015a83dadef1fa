// A plan against `target.limits`: a peak above a limit would only queue behind the limiter for
// the whole run (every latency inflated, sessions starved), so it is refused at load time, one
// line naming the limit, the peak and when it happens.
import { ToolError } from '../../errors/tool-error.js';
import type { ResolvedScenario, TargetLimits } from '../../scenario/types.js';
import { formatDurationUs } from '../../scenario/units.js';
import type { LoadName, Peak } from './envelope.js';
import type { Plan } from './plan.js';

export interface LimitCheck {
  /** The key under `target.limits`. */
  key: string;
  limit: number;
  load: LoadName;
  peak: Peak;
  /** The peak as compared (connections: with the end-to-end subscriber's). */
  planned: number;
  ok: boolean;
}

const KEYS: { key: string; field: keyof TargetLimits; load: LoadName }[] = [
  { key: 'connections', field: 'connections', load: 'connections' },
  { key: 'connect-rate', field: 'connectRatePerSec', load: 'connectsPerSec' },
  { key: 'publish-rate', field: 'publishRatePerSec', load: 'publishesPerSec' },
  { key: 'request-rate', field: 'requestRatePerSec', load: 'requestsPerSec' },
  { key: 'bandwidth', field: 'bandwidthBytesPerSec', load: 'bytesPerSec' },
];

/** Every limit set, with the planned peak it bounds. */
export function checkLimits(plan: Plan, s: ResolvedScenario): LimitCheck[] {
  const limits = s.target.limits;
  if (limits === undefined) return [];
  const subscribers = Math.max(1, s.target.mqttUrls.length);
  const out: LimitCheck[] = [];
  for (const { key, field, load } of KEYS) {
    const limit = limits[field];
    if (limit === null) continue;
    const peak = plan.envelope.peaks[load];
    const planned = load === 'connections' ? peak.value + subscribers : peak.value;
    out.push({ key, limit, load, peak, planned, ok: planned <= limit * (1 + 1e-9) });
  }
  return out;
}

export function formatAmount(load: LoadName, value: number): string {
  const n = Number(value.toPrecision(4));
  if (load === 'connections') return String(Math.round(value));
  if (load === 'bytesPerSec') {
    if (value >= 1e6) return `${Number((value / 1e6).toPrecision(4))} MB/s`;
    if (value >= 1e3) return `${Number((value / 1e3).toPrecision(4))} kB/s`;
    return `${n} B/s`;
  }
  return `${n}/s`;
}

/** Throws FLEETSTORM_ERR_TARGET_LIMIT (exit 2) for the first limit the plan's peak exceeds. */
export function assertWithinLimits(plan: Plan, s: ResolvedScenario): void {
  const bad = checkLimits(plan, s).find((c) => !c.ok);
  if (bad === undefined) return;
  const at = formatDurationUs(bad.peak.atUs);
  throw new ToolError(
    'FLEETSTORM_ERR_TARGET_LIMIT',
    `the planned peak of ${formatAmount(bad.load, bad.planned)} exceeds the limit of ${formatAmount(bad.load, bad.limit)}`,
    {
      where: `${s.sourcePath ?? 'scenario'}: target.limits.${bad.key}`,
      got: `peak at ${at} virtual (${Number(bad.peak.atRealSec.toFixed(1))} s real)`,
      fix: `raise target.limits.${bad.key}, spread the load (power-on.spread, longer intervals), or lower --devices or --speed; \`fleetstorm plan\` shows the envelope`,
    },
  );
}
