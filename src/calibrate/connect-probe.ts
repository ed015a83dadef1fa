// (a) Connect-rate steps: each step opens rate × step-length connections at that rate (capped
// at --max-connections), waits for every CONNACK, then disconnects them all before the next
// step. Stops at the first knee (CONNACK p99 or refusals), or at the top of the ladder.
import { CONNECT_FAILURE } from '../transports/mqtt/index.js';
import { DEFAULT_KNEE_RULE, findKnee, generatorBehind, type KneeRule } from './knee.js';
import { ladder } from './ladder.js';
import type { ProbePool } from './probe-pool.js';
import { StepCollector, pace, sleep, waitFor } from './step.js';
import type { CalibrateDeps, CalibrateOptions, MeasuredStep, ProbeOutcome, StoppedBy } from './types.js';
import { rateUnit, stepLine } from './progress-line.js';

const FAILURE_NAMES: Record<number, string> = {
  [CONNECT_FAILURE.socket]: 'socket',
  [CONNECT_FAILURE.timeout]: 'timeout',
  [CONNECT_FAILURE.closed]: 'closed',
  [CONNECT_FAILURE.aborted]: 'aborted',
  [CONNECT_FAILURE.tls]: 'tls',
};

/** Routes the pool's CONNACKs of the running step into `c` (connection `firstId + i` is request i). */
export function collectConnacks(p: ProbePool, c: StepCollector, firstId: number): void {
  p.on = {
    connack: (id, ok, code, latencyUs) => {
      if (ok) c.succeeded(latencyUs, undefined, id - firstId);
      else if (code > 0) c.refusedOne(`connack_${code}`);
      else if (code === CONNECT_FAILURE.tls) c.failed(`tls_${p.lastEndingError ?? 'handshake'}`);
      else c.failed(p.lastEndingError ?? FAILURE_NAMES[code] ?? `failure_${code}`);
    },
  };
}

export function kneeRuleOf(o: CalibrateOptions): KneeRule {
  return { ...DEFAULT_KNEE_RULE, factor: o.kneeFactor, floorUs: o.kneeFloorUs };
}

/**
 * After a ramp step: marks the newest step with its knee when the series shows one there, prints
 * its progress line and says why the ramp stops: `knee` (the target's), `generator`
 * (this machine's load generator fell behind first: nothing past it measures the target), or
 * null to go on.
 */
export function stepKnee(
  steps: MeasuredStep[],
  o: CalibrateOptions,
  deps: CalibrateDeps,
): Extract<StoppedBy, 'knee' | 'generator'> | null {
  const knee = findKnee(
    steps.map((s) => s.record),
    kneeRuleOf(o),
  );
  const last = steps[steps.length - 1] as MeasuredStep;
  if (knee?.index === steps.length - 1) {
    last.record.knee = knee.reason;
    if (generatorBehind(last.record)) last.record.generatorBound = true;
  }
  deps.progress(stepLine(last.record, rateUnit(last.record.probe)));
  if (knee === null) return null;
  return last.record.generatorBound === true ? 'generator' : 'knee';
}

/** Opens `count` connections at `ratePerSec` (ids from `firstId`) and waits for their answers. */
export async function openPaced(
  p: ProbePool,
  c: StepCollector,
  o: { ratePerSec: number; count: number; firstId: number; timeoutMs: number },
  deps: CalibrateDeps,
): Promise<void> {
  collectConnacks(p, c, o.firstId);
  const paced = { ...o, clock: deps.clock, timers: deps.timers, lagUs: c.sendLagUs };
  c.startUs = await pace(paced, (i, intendedUs) => {
    c.sent();
    p.connect(o.firstId + i, intendedUs);
  });
  await waitFor(() => c.answered >= c.attempts, o.timeoutMs, deps.timers, deps.clock);
}

export async function connectProbe(
  p: ProbePool,
  o: CalibrateOptions,
  deps: CalibrateDeps,
  originUs: number,
  /** Throws the ToolError of a target that refused every connect of the first step. */
  checkFirst: (step: MeasuredStep) => void,
  kind: 'connect' | 'connect-alone' = 'connect',
): Promise<ProbeOutcome> {
  const { rates, end } = ladder(o.connectStartPerSec, o.connectMaxPerSec, o.limits.connectRatePerSec);
  const steps: MeasuredStep[] = [];
  for (const [index, rate] of rates.entries()) {
    const count = Math.max(1, Math.min(o.maxConnections, Math.round((rate * o.stepMs) / 1000)));
    const c = new StepCollector(kind, index, rate, deps.clock);
    await openPaced(p, c, { ratePerSec: rate, count, firstId: 0, timeoutMs: o.answerTimeoutMs }, deps);
    p.on = {};
    p.closeAll(); // answered or not: every socket of the step goes (onClose runs for each)
    const step = c.finish(originUs);
    steps.push(step);
    if (index === 0) checkFirst(step);
    const stop = stepKnee(steps, o, deps);
    if (stop !== null) return { probe: kind, steps, stoppedBy: stop };
    await sleep(o.pauseMs, deps.timers);
  }
  return { probe: kind, steps, stoppedBy: end };
}
