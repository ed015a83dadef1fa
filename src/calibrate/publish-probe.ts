// (b) A QoS 1 publish-rate ramp on a held set of connections: each step publishes rate ×
// step-length messages at that rate, spread over the connections, and waits for every PUBACK.
// A publish the connection's in-flight window cannot take is an error of the step (the broker
// is not acking fast enough). Stops at the first PUBACK knee or the top of the ladder.
import { PUBLISH_RESULT } from '../transports/mqtt/index.js';
import { openPaced, stepKnee } from './connect-probe.js';
import { ladder } from './ladder.js';
import type { ProbePool } from './probe-pool.js';
import { StepCollector, pace, sleep, waitFor } from './step.js';
import type { CalibrateDeps, CalibrateOptions, MeasuredStep, ProbeOutcome } from './types.js';

/** Payload of every probe publish (bytes). */
const PAYLOAD = Buffer.alloc(64, 0x2e);

export async function publishProbe(
  p: ProbePool,
  o: CalibrateOptions,
  deps: CalibrateDeps,
  originUs: number,
  runTag: string,
  /** Connects/s the target took without a knee (the held set opens at this rate). */
  openPerSec: number,
): Promise<ProbeOutcome> {
  const held = Math.max(1, Math.min(o.publishConnections, o.maxConnections));
  const FIRST_ID = o.maxConnections; // after the connect probe's ids (0 .. max-connections − 1)
  const opening = new StepCollector('publish', -1, openPerSec, deps.clock);
  await openPaced(
    p,
    opening,
    { ratePerSec: openPerSec, count: held, firstId: FIRST_ID, timeoutMs: o.answerTimeoutMs },
    deps,
  );
  const ids = [...p.connected].filter((id) => id >= FIRST_ID);
  if (ids.length === 0) {
    p.closeAll();
    return { probe: 'publish', steps: [], stoppedBy: 'knee', skipped: 'no connection to publish on' };
  }
  const { rates, end } = ladder(o.publishStartPerSec, o.publishMaxPerSec, o.limits.publishRatePerSec);
  const steps: MeasuredStep[] = [];
  let stoppedBy: ProbeOutcome['stoppedBy'] = end;
  for (const [index, rate] of rates.entries()) {
    const step = await publishStep(p, o, deps, { index, rate, ids, topic: `fleetstorm/calibrate/${runTag}` });
    steps.push(step.finish(originUs));
    const stop = stepKnee(steps, o, deps);
    if (stop !== null) {
      stoppedBy = stop;
      break;
    }
    await sleep(o.pauseMs, deps.timers);
  }
  p.on = {};
  p.closeAll();
  return { probe: 'publish', steps, stoppedBy };
}

async function publishStep(
  p: ProbePool,
  o: CalibrateOptions,
  deps: CalibrateDeps,
  s: { index: number; rate: number; ids: number[]; topic: string },
): Promise<StepCollector> {
  const c = new StepCollector('publish', s.index, s.rate, deps.clock);
  p.on = {
    ack: (_id, token, latencyUs) => c.succeeded(latencyUs, undefined, token), // token: the request's index
    fail: (_id, _token, reason, code) => {
      if (reason === 'rejected') c.refusedOne(`puback_${code}`);
      else c.failed(reason);
    },
    close: (id) => {
      const i = s.ids.indexOf(id);
      if (i >= 0) s.ids.splice(i, 1); // a dropped connection carries no more of the ramp
    },
  };
  const count = Math.max(1, Math.round((s.rate * o.stepMs) / 1000));
  c.startUs = await pace(
    { ratePerSec: s.rate, count, clock: deps.clock, timers: deps.timers, lagUs: c.sendLagUs },
    (i, intendedUs) => {
      c.sent();
      const id = s.ids[i % Math.max(1, s.ids.length)];
      if (id === undefined) return c.failed('not_connected');
      const sent = p.pool.publish(id, `${s.topic}/${id}`, PAYLOAD, 1, i, intendedUs);
      if (sent === PUBLISH_RESULT.windowFull) c.failed('window_full');
      else if (sent === PUBLISH_RESULT.notConnected) c.failed('not_connected');
    },
  );
  await waitFor(() => c.answered >= c.attempts, o.answerTimeoutMs, deps.timers, deps.clock);
  return c;
}
