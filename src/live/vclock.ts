// Live virtual time: virtual µs = real µs elapsed since start × speed. The device state machine
// runs on virtual time; sockets run on real time. Intended send times cross between the two
// here, so latency is measured from when an event was meant to happen (no coordinated omission).
import { monotonicUs } from '../clock/real-clock.js';

export class VirtualClock {
  private originUs = 0;

  constructor(
    readonly speed: number,
    private readonly real: () => number = monotonicUs,
  ) {}

  start(): void {
    this.originUs = this.real();
  }

  /** Real monotonic µs (the pool clock). */
  realNow(): number {
    return this.real();
  }

  /** Current virtual time. */
  now(): number {
    return (this.real() - this.originUs) * this.speed;
  }

  /** The real monotonic µs at which virtual time reaches `virtualUs`. */
  realOf(virtualUs: number): number {
    return this.originUs + virtualUs / this.speed;
  }

  /** Real µs by which an event scheduled at `virtualUs` runs late now (≥ 0). */
  lagUs(virtualUs: number): number {
    return Math.max(0, this.real() - this.realOf(virtualUs));
  }
}
