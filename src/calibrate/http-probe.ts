// (d) With --target-http: check-in request-rate steps (POST /v1/checkin of the fleetstorm OTA
// protocol, paced, latency from the intended time; 429/503 are refusals), then download steps:
// 1, 2, 4 … downloads at once of one image, for a step each, until the throughput stops
// growing (the server's bandwidth) or downloads are refused (its download slots).
import type { OtaHttpClient } from '../transports/http/index.js';
import { stepKnee } from './connect-probe.js';
import { ladder } from './ladder.js';
import { stepLine } from './progress-line.js';
import { StepCollector, pace, sleep, waitFor } from './step.js';
import type { CalibrateDeps, CalibrateOptions, MeasuredStep, ProbeOutcome } from './types.js';

const REFUSING = new Set([429, 503]);
/** Doubling the downloads at once must raise throughput by this much, or the server is full. */
const PLATEAU_GAIN = 1.2;

export async function checkinProbe(
  http: OtaHttpClient,
  o: CalibrateOptions,
  deps: CalibrateDeps,
  originUs: number,
  runTag: string,
): Promise<ProbeOutcome> {
  const { rates, end } = ladder(o.checkinStartPerSec, o.checkinMaxPerSec, o.limits.requestRatePerSec);
  const steps: MeasuredStep[] = [];
  for (const [index, rate] of rates.entries()) {
    const c = new StepCollector('checkin', index, rate, deps.clock);
    const count = Math.max(1, Math.round((rate * o.stepMs) / 1000));
    c.startUs = await pace(
      { ratePerSec: rate, count, clock: deps.clock, timers: deps.timers, lagUs: c.sendLagUs },
      (i, intendedUs) => {
        c.sent();
        void http.checkIn(`calibrate-${runTag}-${i}`, 'calibrate', '0.0.0', intendedUs).then((r) => {
          if (r.ok) c.succeeded(r.latencyUs, undefined, i);
          else if (REFUSING.has(r.status)) c.refusedOne(`http_${r.status}`);
          else c.failed(r.error ?? `http_${r.status}`);
        });
      },
    );
    await waitFor(() => c.answered >= c.attempts, o.answerTimeoutMs, deps.timers, deps.clock);
    steps.push(c.finish(originUs));
    const stop = stepKnee(steps, o, deps);
    if (stop !== null) return { probe: 'checkin', steps, stoppedBy: stop };
    await sleep(o.pauseMs, deps.timers);
  }
  return { probe: 'checkin', steps, stoppedBy: end };
}

/** The image the download probe fetches: the one a check-in offers, else one asked for by size. */
export async function firmwareUrl(http: OtaHttpClient, runTag: string, sizeBytes: number): Promise<string> {
  const r = await http.checkIn(`calibrate-${runTag}-offer`, 'calibrate', '0.0.0');
  return r.offer?.url ?? `/v1/firmware/fleetstorm-calibrate?size=${sizeBytes}`;
}

export async function downloadProbe(
  http: OtaHttpClient,
  o: CalibrateOptions,
  deps: CalibrateDeps,
  originUs: number,
  url: string,
): Promise<ProbeOutcome> {
  const steps: MeasuredStep[] = [];
  const top = Math.min(o.downloadMaxConcurrent, o.limits.connections ?? Infinity);
  for (let at = 1, index = 0; at <= top; at *= 2, index++) {
    const c = new StepCollector('download', index, at, deps.clock);
    const untilUs = deps.clock() + o.stepMs * 1000;
    const worker = async (): Promise<void> => {
      while (deps.clock() < untilUs) {
        c.sent();
        const r = await http.downloadFirmware(url, { intendedUs: deps.clock() });
        if (r.ok && r.outcome === 'complete') c.succeeded(r.latencyUs, r.receivedBytes);
        else if (REFUSING.has(r.status)) c.refusedOne(`http_${r.status}`);
        else c.failed(r.error ?? `http_${r.status}`);
        if (!r.ok) return;
      }
    };
    await Promise.all(Array.from({ length: at }, worker));
    const spanUs = Math.max(1, deps.clock() - c.startUs);
    const bytes = c.bytes.reduce((a, b) => a + b, 0);
    const step = c.finish(originUs, (bytes * 1e6) / spanUs);
    steps.push(step);
    if (index === 0 && c.ok === 0) {
      deps.progress(stepLine(step.record, 'downloads'));
      return { probe: 'download', steps, stoppedBy: 'knee', skipped: `no image to download at ${url}` };
    }
    const prev = steps[steps.length - 2]?.record;
    if (c.refused + c.errors > 0) step.record.knee = 'refusals';
    else if (prev !== undefined && step.record.achieved < PLATEAU_GAIN * prev.achieved)
      step.record.knee = 'throughput';
    deps.progress(stepLine(step.record, 'downloads'));
    if (step.record.knee !== null) return { probe: 'download', steps, stoppedBy: 'knee' };
    await sleep(o.pauseMs, deps.timers);
  }
  return {
    probe: 'download',
    steps,
    stoppedBy:
      o.limits.connections !== null && o.limits.connections < o.downloadMaxConcurrent ? 'limits' : 'cap',
  };
}
