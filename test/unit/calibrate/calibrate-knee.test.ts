// Knee detection on synthetic steps (pure): latency past k× the baseline (and past it by the
// floor), refusals, and served < offered each make a knee; a calm ramp has none.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KNEE_RULE,
  baselineP99Us,
  findKnee,
  generatorBehind,
  kneeOf,
} from '../../../src/calibrate/knee.js';

const step = (offered: number, achieved: number, p99Us: number, refused = 0, attempts = 100) => ({
  offered,
  achieved,
  attempts,
  refused,
  errors: 0,
  p99Us,
});

describe('knee detection', () => {
  it('finds the step where p99 passes 3× the baseline and the floor', () => {
    const steps = [step(50, 50, 2000), step(100, 100, 2500), step(200, 199, 9000), step(400, 398, 40_000)];
    expect(baselineP99Us(steps)).toBe(2000);
    // 9 ms is 4.5× a 2 ms baseline but within its 10 ms floor: noise, not a knee
    expect(findKnee(steps)).toEqual({ index: 3, reason: 'latency' });
  });

  it('a p99 spike with the median where it was is noise of a loaded generator, not a knee', () => {
    const withP50 = (offered: number, p50Us: number, p99Us: number) => ({
      ...step(offered, offered, p99Us),
      p50Us,
    });
    expect(
      findKnee([withP50(50, 5000, 30_000), withP50(100, 6000, 30_000), withP50(200, 7000, 130_000)]),
    ).toBeNull();
    expect(
      findKnee([withP50(50, 5000, 30_000), withP50(100, 6000, 30_000), withP50(200, 40_000, 130_000)]),
    ).toEqual({
      index: 2,
      reason: 'latency',
    });
  });

  it('a calm ramp has no knee', () => {
    const steps = [50, 100, 200, 400, 800].map((r) => step(r, r * 0.99, 3000));
    expect(findKnee(steps)).toBeNull();
  });

  it('refusals past 1 % are a knee before latency is looked at', () => {
    expect(kneeOf(step(100, 100, 1000, 2), 1000, DEFAULT_KNEE_RULE)).toBe('refusals');
    expect(kneeOf(step(100, 100, 1000, 1), 1000, DEFAULT_KNEE_RULE)).toBeNull();
  });

  it('serving fewer than 85 % of the offered rate is a throughput knee', () => {
    const steps = [step(100, 100, 1000), step(200, 200, 1200), step(400, 300, 1300)];
    expect(findKnee(steps)).toEqual({ index: 2, reason: 'throughput' });
  });

  it('the first step is judged without a baseline (only refusals or throughput)', () => {
    expect(findKnee([step(50, 50, 900_000)])).toBeNull();
    expect(findKnee([step(50, 20, 1000)])).toEqual({ index: 0, reason: 'throughput' });
  });

  it('a knee the generator sent late for, by half its p99 latency or more, is the generator', () => {
    const knee = (sendLagP99Us: number | null, p99Us: number | null, reason = 'latency' as const) => ({
      knee: reason,
      p99Us,
      sendLagP99Us,
    });
    // a busy event loop: requests left 150 ms late, the tail is 200 ms
    expect(generatorBehind(knee(150_000, 200_000))).toBe(true);
    expect(generatorBehind(knee(150_000, 200_000, 'throughput' as 'latency'))).toBe(true);
    // the target queued: the generator kept time (its 5 ms tick), the tail grew on the target
    expect(generatorBehind(knee(5_000, 200_000))).toBe(false);
    // late, but a small share of a long tail: the target's queue still dominates
    expect(generatorBehind(knee(30_000, 400_000))).toBe(false);
    // under the floor whatever the share (a sub-10 ms tail on a quiet target)
    expect(generatorBehind(knee(15_000, 16_000))).toBe(false);
    // refusals are the target's answer whatever the generator did
    expect(generatorBehind(knee(150_000, 200_000, 'refusals' as 'latency'))).toBe(false);
    // no lateness measured (a record written before it was): the target's
    expect(generatorBehind(knee(null, 200_000))).toBe(false);
    expect(generatorBehind({ knee: 'latency', p99Us: 200_000 })).toBe(false);
  });
});
