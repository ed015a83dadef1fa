// The fit on synthetic steps (pure): a saturated knee step whose answers come every 1/R s gives
// connect.rate R inside its bootstrap interval; a probe that never knees gives lower bounds
// (high null), never a made-up figure; the same seed gives the same interval.
import { describe, expect, it } from 'vitest';
import { fitBackend } from '../../../src/calibrate/fit-backend.js';
import { DEFAULT_KNEE_RULE } from '../../../src/calibrate/knee.js';
import { modelledStep } from '../../../src/calibrate/modelled.js';
import { StepCollector } from '../../../src/calibrate/step.js';
import { Stream } from '../../../src/random/rng.js';
import { fifoStep } from '../../helpers/fifo-step.js';
import type { MeasuredStep, ProbeOutcome } from '../../../src/calibrate/types.js';

const CTX = { rule: DEFAULT_KNEE_RULE, resamples: 400, seed: 7 };

function probe(rates: number[], rate: number, kneeAt: number | null): ProbeOutcome {
  const rng = new Stream(3);
  const steps = rates.map((r, i) => fifoStep(i, r, rate, r * 2, rng));
  if (kneeAt !== null) (steps[kneeAt] as MeasuredStep).record.knee = 'throughput';
  return { probe: 'connect', steps, stoppedBy: kneeAt === null ? 'cap' : 'knee' };
}

describe('calibration fit', () => {
  it('a saturated knee step gives the server rate inside the interval', () => {
    const f = fitBackend([probe([50, 100, 200, 400], 300, 3)], CTX);
    const rate = f.fits['connect.rate'];
    expect(rate?.bound).toBeUndefined();
    expect(rate?.low).toBeLessThanOrEqual(300);
    expect(rate?.high).toBeGreaterThanOrEqual(300);
    expect(Math.abs((rate?.value ?? 0) - 300) / 300).toBeLessThan(0.03);
    expect(f.backend.connect.rate).toBe(`${Math.round(rate?.value ?? 0)}/s`);
    expect(f.backend.connect.latency).toEqual({
      p50: expect.stringMatching(/ms$/),
      p99: expect.stringMatching(/ms$/),
    });
  });

  it('service time comes from the least loaded steps, not from the calm steps nearest the knee', () => {
    // A publish ramp: below the knee latency still grows with load (a queue forming in the
    // client and the broker); the model adds its own queue's wait, so it wants the unloaded one.
    const rng = new Stream(5);
    const calm = (index: number, offered: number, baseUs: number): MeasuredStep => {
      const st = fifoStep(index, offered, offered * 10, 3000, rng);
      st.samples.latencyUs = st.samples.latencyUs.map(() => baseUs * (1 + rng.next() * 0.2));
      st.samples.serviceUs = st.samples.latencyUs;
      return st;
    };
    const steps = [calm(0, 500, 3000), calm(1, 1000, 3100), calm(2, 16_000, 9000), calm(3, 32_000, 20_000)];
    const knee = fifoStep(4, 128_000, 100_000, 3000, rng);
    knee.record.knee = 'throughput';
    const f = fitBackend([{ probe: 'publish', steps: [...steps, knee], stoppedBy: 'knee' }], CTX);
    const p50 = f.fits['ingest.latency.p50'];
    const p99 = f.fits['ingest.latency.p99'];
    expect(p50?.value).toBeGreaterThanOrEqual(3);
    expect(p50?.value).toBeLessThanOrEqual(3.8);
    expect(p99?.value).toBeLessThanOrEqual(3.8); // the 9 and 20 ms steps are not in it
    expect(p50?.steps).toBe(2); // 4,000 answers: the first step's 3,000 and 1,000 of the second
  });

  it('service time is each answer less how late the generator sent it, not the generator tick too', () => {
    // The paced generator sends in 5 ms ticks: a request meant for mid-tick leaves up to 5 ms
    // late, and its latency (from the intended time, for the knee) carries that wait.
    const steps = [0, 1].map((index) => {
      const c = new StepCollector('publish', index, 500, () => 0);
      for (let i = 0; i < 1500; i++) {
        c.sent();
        c.sendLagUs.push((i % 5) * 1000); // 0-4 ms late
        c.succeeded(1000 + (i % 5) * 1000, undefined, i); // the broker answered in 1 ms
      }
      return c.finish(0);
    });
    const f = fitBackend([{ probe: 'publish', steps, stoppedBy: 'cap' }], CTX);
    expect(steps[0]?.record.p50Us).toBe(3000); // what the knee rule sees
    expect(f.fits['ingest.latency.p50']?.value).toBe(1);
    expect(f.fits['ingest.latency.p99']?.value).toBe(1);
    expect(f.fits['ingest.latency.p50']?.method).toContain('less how late it was sent');
  });

  it('no knee: every fitted value is a lower bound with no upper end', () => {
    const f = fitBackend([probe([50, 100, 200], 10_000, null)], CTX);
    const rate = f.fits['connect.rate'];
    expect(rate?.bound).toBe('lower');
    expect(rate?.high).toBeNull();
    expect(rate?.value).toBeLessThanOrEqual(200 * 1.05); // the most served, not the server's 10,000
    expect(f.fits['connect.queue']?.bound).toBe('lower');
    // a queue bound never reached is left out: the model would refuse where the target did not
    expect(f.backend.connect.queue).toBeUndefined();
    expect(f.fits['connect.burst']).toBeUndefined();
  });

  it('same seed, same interval; several brokers divide the figures', () => {
    const a = fitBackend([probe([50, 100, 200, 400], 300, 3)], CTX).fits['connect.rate'];
    const b = fitBackend([probe([50, 100, 200, 400], 300, 3)], CTX).fits['connect.rate'];
    expect(a).toEqual(b);
    const two = fitBackend([probe([50, 100, 200, 400], 300, 3)], CTX, 2);
    expect(two.backend.brokers).toBe(2);
    expect(two.fits['connect.rate']?.value).toBeCloseTo((a?.value ?? 0) / 2, 0);
  });

  it('the model of a step: no wait below the rate, a growing wait above it', () => {
    const m = { ratePerSec: 100, burst: 10, queue: 1000, latencyP50Us: 2000, latencyP99Us: 8000 };
    expect(modelledStep(m, 50, 2)).toEqual({ p50Us: 2000, p99Us: 8000 });
    const over = modelledStep(m, 200, 2); // backlog (200 − 100)·t − 10 at t = 1 s and 1.98 s
    expect(over.p50Us).toBeCloseTo(2000 + 0.9e6, -2);
    expect(over.p99Us).toBeCloseTo(8000 + 1.88e6, -2);
  });
});
