// A plan as text lines (`fleetstorm plan`, and first on stderr before a live run against a
// remote host) and as the machine-readable object of `plan --json`.
import type { ResolvedScenario } from '../../scenario/types.js';
import { formatDurationUs } from '../../scenario/units.js';
import { describeTargets } from '../../live/target-hosts.js';
import { LOADS, type LoadName } from './envelope.js';
import { calibratedField, calibratedLines } from './calibrated.js';
import { checkLimits, formatAmount } from './limits-check.js';
import type { Plan } from './plan.js';

const LABELS: Record<LoadName, string> = {
  connections: 'concurrent connections',
  connectsPerSec: 'connects/s',
  publishesPerSec: 'publishes/s',
  requestsPerSec: 'HTTP requests/s',
  bytesPerSec: 'bytes/s',
};

function realSec(sec: number): string {
  return `${Number(sec.toFixed(sec < 10 ? 2 : 1))} s`;
}

export function planLines(plan: Plan, s: ResolvedScenario): string[] {
  const e = plan.envelope;
  const speed = Number.isFinite(s.live.speed)
    ? `speed ${s.live.speed}`
    : 'speed max (figures per virtual second)';
  const lines = [
    `plan: ${plan.scenario}, ${plan.devices} devices, ${formatDurationUs(plan.durationUs)} virtual at ${speed} (${realSec(plan.durationUs / e.speed / 1e6)} real)`,
    ...(plan.targets === null
      ? ['plan: target embedded backend on 127.0.0.1 (started for the run)']
      : describeTargets(plan.targets).map((t) => `plan: target ${t}`)),
    `plan: offered load (virtual engine, a backend that keeps up), per ${realSec(e.resolutionRealSec)} of real time:`,
  ];
  for (const load of LOADS) {
    const p = e.peaks[load];
    const est = load === 'bytesPerSec' ? ` (publishes ≈ ${Math.round(e.publishBytes)} B each)` : '';
    const when =
      p.value > 0 ? `  at ${formatDurationUs(p.atUs)} virtual (${realSec(p.atRealSec)} real)` : '  (none)';
    lines.push(
      `plan:   peak ${LABELS[load].padEnd(22)} ${formatAmount(load, p.value).padStart(12)}${when}${est}`,
    );
  }
  for (const c of checkLimits(plan, s)) {
    const verdict = c.ok ? 'within' : 'EXCEEDS';
    lines.push(
      `plan: limit ${c.key} ${formatAmount(c.load, c.limit)}: peak ${formatAmount(c.load, c.planned)} ${verdict}`,
    );
  }
  lines.push(...calibratedLines(plan, s));
  return lines;
}

/** `plan --json`: one object, numbers in base units (µs, per real second, bytes). */
export function planJson(plan: Plan, s: ResolvedScenario): Record<string, unknown> {
  return {
    scenario: plan.scenario,
    devices: plan.devices,
    durationUs: plan.durationUs,
    speed: plan.envelope.speed,
    resolutionUs: plan.envelope.resolutionUs,
    resolutionRealSec: plan.envelope.resolutionRealSec,
    targets:
      plan.targets?.map((t) => ({
        kind: t.kind,
        host: t.host,
        port: t.port,
        addresses: t.addresses,
        via: t.via,
      })) ?? null,
    peaks: plan.envelope.peaks,
    totals: plan.envelope.totals,
    publishBytes: plan.envelope.publishBytes,
    limits: checkLimits(plan, s).map((c) => ({ key: c.key, limit: c.limit, planned: c.planned, ok: c.ok })),
    ...calibratedField(plan, s),
  };
}
