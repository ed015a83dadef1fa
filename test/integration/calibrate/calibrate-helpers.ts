// Shared set-up of the calibrate runs: small, short probe options (≤ 2,000 connections, steps
// of about a second), the real clock and timers, and the target resolved as the command does.
import { monotonicUs, realTimers, wallClockMs } from '../../../src/clock/real-clock.js';
import { calibrate, DEFAULT_OPTIONS } from '../../../src/calibrate/calibrate.js';
import { calibrateTarget, resolveTarget, type TargetFlags } from '../../../src/calibrate/target-setup.js';
import type { CalibrateOptions, CalibrationResult } from '../../../src/calibrate/types.js';

export const SMALL: Partial<CalibrateOptions> = {
  maxConnections: 600,
  stepMs: 1000,
  pauseMs: 200,
  answerTimeoutMs: 8000,
  connectStartPerSec: 50,
  connectMaxPerSec: 800,
  publishConnections: 20,
  publishStartPerSec: 250,
  publishMaxPerSec: 2000,
  checkinStartPerSec: 25,
  checkinMaxPerSec: 200,
  downloadMaxConcurrent: 4,
  downloadBytes: 64 * 1024,
  resamples: 300,
};

export async function runCalibration(
  flags: Partial<TargetFlags> & { targetMqtt: string[] },
  opts: Partial<CalibrateOptions> = {},
  progress: string[] = [],
): Promise<CalibrationResult> {
  const target = await resolveTarget({ resolve: [], ...flags });
  const o: CalibrateOptions = {
    ...DEFAULT_OPTIONS,
    ...SMALL,
    ...opts,
    mqttUrls: target.mqttUrls,
    httpUrl: target.httpUrl,
    limits: target.limits,
  };
  const t = calibrateTarget(target, o.maxConnections + o.publishConnections, '--target-mqtt');
  return calibrate(o, t, {
    clock: monotonicUs,
    timers: realTimers,
    wallClockMs,
    progress: (line) => progress.push(line),
  });
}
