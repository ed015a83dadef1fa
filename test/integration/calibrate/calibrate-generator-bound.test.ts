// A calibration whose own load generator falls behind must not report that as the target's knee.
// The target is mosquitto in its own process; this process's event loop is really busy (a
// callback that spins 100 ms every 110 ms) from the connect probe's third step on, as a loaded
// or undersized calibration machine would be. The step's latency knee is then this machine's:
// the probe stops there, says so, and the connect rate it writes is a lower bound.
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoInstalled, startMosquitto, type MosquittoHandle } from '../../../bench/lib/mosquitto.js';
import { parse } from 'yaml';
import { parseCalibration } from '../../../src/backend-model/calibration-file.js';
import { calibrationYaml } from '../../../src/calibrate/calibration-yaml.js';
import { monotonicMs, realTimers, type TimerHandle } from '../../../src/clock/real-clock.js';
import { runCalibration } from './calibrate-helpers.js';

/** Spins the event loop `busyMs` out of every `everyMs` until stopped. */
function hogEventLoop(busyMs: number, everyMs: number): () => void {
  const timer: TimerHandle = realTimers.setInterval(() => {
    const until = monotonicMs() + busyMs;
    while (monotonicMs() < until) {
      // busy: nothing else on this thread runs meanwhile (sends, CONNACK reads)
    }
  }, everyMs);
  return () => realTimers.clearInterval(timer);
}

describe.skipIf(!mosquittoInstalled())('calibrate with its load generator behind', () => {
  let broker: MosquittoHandle | null = null;
  let stopHog: (() => void) | null = null;
  afterEach(async () => {
    stopHog?.();
    stopHog = null;
    await broker?.stop();
    broker = null;
  });

  it('stops at the step the generator fell behind, and writes the connect rate as a lower bound', async () => {
    broker = await startMosquitto();
    const lines: string[] = [];
    // the hog starts once step 2 is measured (steps 1 and 2 are the baseline) and ends with step 3
    const progress = Object.assign(lines, {
      push: (...xs: string[]): number => {
        for (const x of xs) {
          if (x.includes('connect step 2:')) stopHog = hogEventLoop(100, 110);
          if (x.includes('connect step 3:')) stopHog?.();
        }
        return Array.prototype.push.apply(lines, xs);
      },
    });
    const r = await runCalibration(
      { targetMqtt: [`mqtt://127.0.0.1:${broker.port}`] },
      { connectStartPerSec: 50, connectMaxPerSec: 1600, maxConnections: 400 },
      progress,
    );
    const connect = r.probes.find((p) => p.probe === 'connect');
    expect(connect?.stoppedBy).toBe('generator');
    const last = connect?.steps.at(-1)?.record;
    expect(last?.index).toBe(2);
    expect(last?.generatorBound).toBe(true);
    // the busy loop sent requests tens of ms late; the quiet steps before it kept time (its 5 ms tick)
    expect(last?.sendLagP99Us).toBeGreaterThan(50_000);
    for (const s of connect?.steps.slice(0, 2) ?? []) expect(s.record.generatorBound).toBeUndefined();
    expect(r.stoppedBy).toBe('generator');
    expect(r.fits['connect.rate']).toMatchObject({ bound: 'lower', high: null });
    expect(r.fits['connect.rate']?.method).toContain('load generator fell behind');
    expect(r.notes.join('\n')).toMatch(
      /connect: at 200 connects\/s this machine's load generator fell behind/,
    );
    // the file says why it stopped, and reads back with the rate as a bound
    const file = parseCalibration(parse(calibrationYaml(r, 'test')), 'backend.calibrated.yaml');
    expect(file.calibration['stopped-by']).toBe('generator');
    expect(file.calibration.fits['connect.rate']).toMatchObject({ bound: 'lower' });
    expect(lines.join('\n')).toMatch(
      /connect step 3: .* the load generator fell behind \(sent \d+\.\dms late at p99\)/,
    );
  }, 120_000);
});
