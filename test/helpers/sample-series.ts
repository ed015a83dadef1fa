// Per-interval series for the sample report, shaped like a real run of sampleScenario():
// power-on over 10 minutes, a four-wave rollout from 1 h, 2% of sensors going flat at 6 h, and
// a 15-minute backend outage at 12 h followed by a rate-limited reconnect storm.
import type { HistogramPoint } from '../../src/reports/report-types.js';
import { H, M, S } from './sample-scenario.js';

export const DEVICES = 1_000_000;
export const WAVES = [
  { startUs: 1 * H, size: 10_000, takesUs: 40 * M },
  { startUs: 3 * H, size: 90_000, takesUs: 70 * M },
  { startUs: 5 * H, size: 400_000, takesUs: 160 * M },
  { startUs: 7 * H, size: 500_000, takesUs: 260 * M },
] as const;
export const OUTAGE = { startUs: 12 * H, endUs: 12 * H + 15 * M } as const;
export const FLAT_AT_US = 6 * H;
export const FLAT_DEVICES = 18_000;
const BRICKED_TOTAL = 37;
const ROLLED_BACK_TOTAL = 120;
const FAILED_TOTAL = 400;

/** Deterministic noise in [0, 1) from an index and a stream number. */
export function noise(i: number, stream: number): number {
  let x = (i * 374_761_393 + stream * 668_265_263) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 1_274_126_177) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 4_294_967_296;
}

const smooth = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));

/** Devices that have committed the new version by time t. */
export function committedAt(tUs: number): number {
  const done = WAVES.reduce((n, w) => n + w.size * smooth((tUs - w.startUs) / w.takesUs), 0);
  return Math.round(done * (1 - (BRICKED_TOTAL + ROLLED_BACK_TOTAL + FAILED_TOTAL) / DEVICES));
}

/** Devices somewhere in the OTA pipeline (offered, not yet done) at time t. */
export function inFlightAt(tUs: number): number {
  return Math.round(
    WAVES.reduce((n, w) => {
      const p = (tUs - w.startUs) / w.takesUs;
      return p <= 0 || p >= 1 ? n : n + w.size * (1 - smooth(p)) * Math.min(1, p * 6);
    }, 0),
  );
}

export function doneRatioAt(tUs: number): number {
  return committedAt(tUs) / DEVICES;
}

/** Cumulative bad outcomes by time t, growing with the rollout. */
export function badAt(tUs: number): { bricked: number; rolledBack: number; failed: number } {
  const progress = WAVES.reduce((n, w) => n + w.size * smooth((tUs - w.startUs) / w.takesUs), 0) / DEVICES;
  return {
    bricked: Math.round(BRICKED_TOTAL * progress),
    rolledBack: Math.round(ROLLED_BACK_TOTAL * progress),
    failed: Math.round(FAILED_TOTAL * progress),
  };
}

export type Phase = 'power-on' | 'steady' | 'outage' | 'storm-1' | 'storm-2';

export function phaseOf(endUs: number, intervalUs: number): Phase {
  const startUs = endUs - intervalUs;
  if (endUs <= 10 * M) return 'power-on';
  if (startUs >= OUTAGE.startUs && endUs <= OUTAGE.endUs) return 'outage';
  if (startUs >= OUTAGE.endUs && startUs < OUTAGE.endUs + intervalUs) return 'storm-1';
  if (startUs >= OUTAGE.endUs + intervalUs && startUs < OUTAGE.endUs + 2 * intervalUs) return 'storm-2';
  return 'steady';
}

export function connStatesAt(endUs: number, phase: Phase): Record<string, number> {
  const dark = endUs > FLAT_AT_US ? FLAT_DEVICES : 0;
  const bricked = badAt(endUs).bricked;
  const live = DEVICES - dark - bricked;
  const split = (connected: number, connecting: number, backoff: number): Record<string, number> => ({
    off: Math.max(0, live - connected - connecting - backoff),
    connecting,
    connected,
    backoff,
    sleeping: 0,
    dark,
    bricked,
  });
  switch (phase) {
    case 'power-on':
      return endUs <= 5 * M ? split(470_000, 20_000, 5_000) : split(live - 2_600, 1_200, 1_400);
    case 'outage':
      return split(0, 38_000, live - 38_000);
    case 'storm-1':
      return split(Math.round(live * 0.62), 60_000, Math.round(live * 0.38) - 60_000);
    case 'storm-2':
      return split(live - 9_000, 4_000, 5_000);
    case 'steady': {
      const wobble = Math.round(noise(endUs, 1) * 900);
      return split(live - 1_800 - wobble, 300, 1_500 + wobble);
    }
  }
}

export function otaStatesAt(endUs: number): Record<string, number> {
  const flight = inFlightAt(endUs);
  const bad = badAt(endUs);
  const committed = committedAt(endUs);
  const parts = {
    checking: Math.round(flight * 0.04),
    downloading: Math.round(flight * 0.62),
    verifying: Math.round(flight * 0.03),
    installing: Math.round(flight * 0.15),
    rebooting: Math.round(flight * 0.05),
    'health-check': Math.round(flight * 0.07),
    'retry-wait': Math.round(flight * 0.04),
    committed,
    'rolled-back': bad.rolledBack,
    failed: bad.failed,
    bricked: bad.bricked,
  };
  const busy = Object.values(parts).reduce((a, b) => a + b, 0);
  // The toy curves overlap a little at the end; committed absorbs the excess so states sum to the fleet.
  const excess = Math.max(0, busy - DEVICES);
  return { idle: DEVICES - busy + excess, ...parts, committed: committed - excess };
}

/** A latency point from a p50 in µs: the tail widens by fixed ratios, with a little noise. */
export function latencyPoint(
  count: number,
  p50Us: number,
  tail: number,
  i: number,
  stream: number,
): HistogramPoint {
  if (count === 0) return { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0, hdr: '' };
  const n = 0.85 + 0.3 * noise(i, stream);
  const p50 = Math.round(p50Us * n);
  return {
    count,
    p50Us: p50,
    p90Us: Math.round(p50 * 2.1 * tail),
    p99Us: Math.round(p50 * 5 * tail),
    maxUs: Math.round(p50 * 14 * tail),
    hdr: '',
  };
}

export function connectLatency(phase: Phase, count: number, i: number): HistogramPoint {
  switch (phase) {
    case 'power-on':
      return latencyPoint(count, 120_000, 2.2, i, 2);
    case 'outage':
      return latencyPoint(0, 0, 1, i, 2);
    case 'storm-1':
      return latencyPoint(count, 6 * S, 1.6, i, 2);
    case 'storm-2':
      return latencyPoint(count, 1.5 * S, 1.4, i, 2);
    case 'steady':
      return latencyPoint(count, 45_000, 1, i, 2);
  }
}

export { S, M, H };
