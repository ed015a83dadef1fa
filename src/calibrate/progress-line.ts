// The one progress line each step prints (stderr in the CLI).
import type { ProbeKind, StepRecord } from './types.js';

export function fmtUs(us: number | null): string {
  if (us === null) return '-';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(1)}ms`;
  return `${(us / 1e6).toFixed(2)}s`;
}

export function fmtRate(v: number): string {
  return v >= 100 ? String(Math.round(v)) : v.toFixed(1);
}

/** What a ramp of `probe` offers per second, as its lines name it. */
export function rateUnit(probe: ProbeKind): string {
  return probe === 'publish' ? 'publishes' : probe === 'checkin' ? 'check-ins' : 'connects';
}

/** `calibrate: connect step 3: offered 400/s, served 398/s, p50 1.2ms p99 3.4ms, 0 refused, 0 errors`. */
export function stepLine(r: StepRecord, what: string): string {
  const offered =
    r.probe === 'sessions'
      ? `asked ${r.offered} sessions, held ${Math.round(r.achieved)}`
      : r.probe === 'download'
        ? `${r.offered} at once, ${fmtRate(r.achieved / 1e6)} MB/s`
        : `offered ${fmtRate(r.offered)} ${what}/s, served ${fmtRate(r.achieved)}/s`;
  const knee =
    r.knee === null
      ? ''
      : r.generatorBound === true
        ? ` — the load generator fell behind (sent ${fmtUs(r.sendLagP99Us ?? null)} late at p99): this machine's limit, not the target's`
        : ` — knee (${r.knee})`;
  return `calibrate: ${r.probe} step ${r.index + 1}: ${offered}, p50 ${fmtUs(r.p50Us)} p99 ${fmtUs(r.p99Us)}, ${r.refused} refused, ${r.errors} errors${knee}`;
}
