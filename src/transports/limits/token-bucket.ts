// A token bucket as a reservation (GCRA, the "virtual scheduling" form of ITU-T I.371): each
// operation asks for n units and learns how long to wait before it may go. Nothing is refused
// and nothing is queued here: the caller holds the operation that long, so its intended time
// stays what it was and the wait shows in the measured latency.

export class TokenBucket {
  /** Theoretical arrival time: when the bucket is empty again at the reserved rate (µs). */
  private tatUs = Number.NEGATIVE_INFINITY;
  private readonly usPerUnit: number;
  private readonly burstUs: number;

  /**
   * @param ratePerSec units per second (> 0)
   * @param burstUnits units that may go at once after an idle period (≥ 1)
   */
  constructor(ratePerSec: number, burstUnits: number) {
    if (!(ratePerSec > 0)) throw new RangeError(`rate must be positive, got ${ratePerSec}`);
    this.usPerUnit = 1e6 / ratePerSec;
    this.burstUs = Math.max(1, burstUnits) * this.usPerUnit;
  }

  /** Reserves `units` at `nowUs`; returns the wait in µs (0: go now). */
  reserve(units: number, nowUs: number): number {
    const startUs = Math.max(nowUs, this.tatUs - this.burstUs + this.usPerUnit);
    this.tatUs = Math.max(this.tatUs, nowUs) + units * this.usPerUnit;
    return startUs - nowUs;
  }
}
