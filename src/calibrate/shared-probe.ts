// Several brokers: do they share capacity? The connect probe offers to all of them at once
// (connection i to URL i mod N); this one runs the same connect ladder against each broker by
// itself. When the brokers together accepted clearly fewer connects than the sum of each alone
// (the joint rate's 95 % high end below the sum of the alone rates' low ends), they share
// capacity (e.g. one host's cores): the joint rate is written as `backend.shared.connect` and
// each broker's own rate is the mean of the alone rates. Otherwise they are independent and
// nothing shared is written (the per-broker figures stay the joint ones divided by N).
import { connectProbe } from './connect-probe.js';
import { fitBurst, fitQueue, fitRate, type FitContext } from './fit.js';
import type { Fitted } from './fit-backend.js';
import { ProbePool, type ProbePoolOptions } from './probe-pool.js';
import { sig3 } from './stats.js';
import { strippedUrl } from './calibration-yaml.js';
import type { CalibrateDeps, CalibrateOptions, Fit, ProbeOutcome } from './types.js';

/** The connect ladder against each broker by itself, in URL order (kind `connect-alone`). */
export async function aloneProbes(
  poolOptions: ProbePoolOptions,
  o: CalibrateOptions,
  deps: CalibrateDeps,
  originUs: number,
): Promise<ProbeOutcome[]> {
  const out: ProbeOutcome[] = [];
  for (const [target, url] of poolOptions.urls.entries()) {
    deps.progress(`calibrate: connect-alone: ${strippedUrl(url)} by itself`);
    const p = new ProbePool({ ...poolOptions, urls: [url] }, deps);
    try {
      const probe = await connectProbe(p, o, deps, originUs, () => {}, 'connect-alone');
      out.push({ ...probe, target });
    } finally {
      p.close();
    }
  }
  return out;
}

/** The verdict, for notes and tests: the joint rate against the sum of the alone rates. */
export interface SharedVerdict {
  shared: boolean;
  joint: Fit;
  alone: Fit[];
  /** Sum of the alone rates: value, and the sum of their low ends. */
  sumValue: number;
  sumLow: number;
}

export function sharedVerdict(
  joint: ProbeOutcome,
  alone: readonly ProbeOutcome[],
  c: FitContext,
): SharedVerdict {
  const jointRate = fitRate(joint, c);
  const rates = alone.map((p) => fitRate(p, c));
  const sumValue = rates.reduce((a, f) => a + f.value, 0);
  const sumLow = rates.reduce((a, f) => a + f.low, 0);
  // A joint rate with no knee is only a lower bound: it cannot show the sum is not reached.
  const shared = jointRate.bound !== 'lower' && jointRate.high !== null && jointRate.high < sumLow;
  return { shared, joint: jointRate, alone: rates, sumValue: sig3(sumValue), sumLow: sig3(sumLow) };
}

const rateText = (f: Fit): string =>
  f.bound === 'lower' ? `≥ ${f.value}/s` : `${f.value}/s (95 % ${f.low}..${f.high ?? '?'})`;

/** The mean of the brokers' fits, as each broker's figure. */
function meanFit(fits: readonly Fit[], method: string): Fit {
  const n = fits.length;
  const avg = (xs: number[]): number => sig3(xs.reduce((a, b) => a + b, 0) / n);
  const highs = fits.map((f) => f.high);
  return {
    value: avg(fits.map((f) => f.value)),
    low: avg(fits.map((f) => f.low)),
    high: highs.some((h) => h === null) ? null : avg(highs as number[]),
    unit: fits[0]?.unit ?? '',
    steps: Math.max(0, ...fits.map((f) => f.steps)),
    ...(fits.some((f) => f.bound === 'lower') ? { bound: 'lower' as const } : {}),
    method,
  };
}

/**
 * Applies the verdict to the fitted backend: with shared capacity, `backend.shared.connect` from
 * the joint ladder and `connect.rate`/`burst` from the brokers alone; the note either way.
 */
export function applyShared(
  fitted: Fitted,
  joint: ProbeOutcome,
  alone: readonly ProbeOutcome[],
  c: FitContext,
): { verdict: SharedVerdict; note: string } {
  const v = sharedVerdict(joint, alone, c);
  const n = alone.length;
  const each = v.alone.map(rateText).join(', ');
  const measured = `${n} brokers together accepted ${rateText(v.joint)}; each alone ${each} (sum ${v.sumValue}/s, of the 95 % lows ${v.sumLow}/s)`;
  if (!v.shared)
    return {
      verdict: v,
      note: `${measured}: not clearly below the sum, the brokers are independent (no shared capacity written)`,
    };
  const own = meanFit(v.alone, 'mean over the brokers probed alone of their connect rate');
  fitted.fits['connect.rate'] = own;
  const connect = fitted.backend.connect;
  connect.rate = `${Math.max(1, Math.round(own.value))}/s`;
  const bursts = alone.flatMap((p, i) => {
    const b = fitBurst(p, v.alone[i] as Fit, c);
    return b === null ? [] : [b];
  });
  if (bursts.length === n) {
    const b = meanFit(bursts, 'mean over the brokers probed alone of their burst');
    fitted.fits['connect.burst'] = b;
    connect.burst = Math.max(1, Math.round(b.value));
  } else {
    delete fitted.fits['connect.burst'];
    delete connect.burst;
  }
  fitted.fits['shared.connect.rate'] = {
    ...v.joint,
    method: `${v.joint.method} (all brokers at once)`,
  };
  const sharedConnect: Record<string, string | number> = {
    rate: `${Math.max(1, Math.round(v.joint.value))}/s`,
  };
  const burst = fitBurst(joint, v.joint, c);
  if (burst !== null) {
    fitted.fits['shared.connect.burst'] = burst;
    sharedConnect.burst = Math.max(1, Math.round(burst.value));
  }
  const queue = fitQueue(joint);
  fitted.fits['shared.connect.queue'] = queue;
  // a queue bound never reached is left out, as the per-broker ones (the model would refuse)
  if (queue.bound !== 'lower') sharedConnect.queue = Math.max(1, Math.round(queue.value));
  fitted.backend.shared = { connect: sharedConnect };
  return {
    verdict: v,
    note: `${measured}: clearly below the sum, the brokers share capacity (backend.shared.connect ${sharedConnect.rate as string}; connect.rate is each broker's alone)`,
  };
}
