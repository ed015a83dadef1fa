// A synthetic calibration step for the pure calibrate tests: `n` connects offered at `offered`/s
// into a FIFO server of `rate`/s, each answered 2–3 ms after it starts (jitter from `rng`).
import type { MeasuredStep } from '../../src/calibrate/types.js';
import type { Stream } from '../../src/random/rng.js';

export function fifoStep(index: number, offered: number, rate: number, n: number, rng: Stream): MeasuredStep {
  const latencyUs: number[] = [];
  const doneUs: number[] = [];
  let freeAtUs = 0;
  for (let i = 0; i < n; i++) {
    const arriveUs = (i * 1e6) / offered;
    const startUs = Math.max(arriveUs, freeAtUs);
    freeAtUs = startUs + 1e6 / rate;
    const done = startUs + 2000 + rng.next() * 1000;
    latencyUs.push(done - arriveUs);
    doneUs.push(done);
  }
  const sorted = [...latencyUs].sort((a, b) => a - b);
  const spanUs = Math.max(...doneUs);
  return {
    record: {
      ...{ probe: 'connect', index, offered, achieved: (n * 1e6) / spanUs, attempts: n, ok: n },
      ...{ refused: 0, errors: 0, errorCodes: {}, inFlightMax: 10, startMs: 0, knee: null },
      p50Us: sorted[Math.floor(n / 2)] ?? null,
      p99Us: sorted[Math.ceil(0.99 * n) - 1] ?? null,
      maxUs: sorted[n - 1] ?? null,
      durationMs: spanUs / 1000,
    },
    samples: { latencyUs, serviceUs: latencyUs, doneUs, startUs: 0 },
  };
}
