// The switchable backend faults, shared by the broker and the HTTP server. Connection drops are
// done by whoever owns the connections (registered as droppers).
import type { TimerHandle, Timers } from '../clock/real-clock.js';
import type { BackendFaults } from './types.js';

/** MQTT 5 reason codes used when refusing sessions [MQTT-3.2.2.2]. */
export const REASON = { serverBusy: 0x89, connectionRateExceeded: 0x9f, serverUnavailable: 0x88 } as const;

export class FaultState implements BackendFaults {
  outageActive = false;
  slowFactor = 1;
  rejecting = false;
  rejectReason: number = REASON.connectionRateExceeded;
  private outageTimer: TimerHandle | undefined;
  private readonly droppers: (() => void)[] = [];

  constructor(
    private readonly timers: Timers,
    private readonly slowUnitMs: number,
  ) {}

  /** Registers a function that drops every live connection of one server. */
  onOutage(drop: () => void): void {
    this.droppers.push(drop);
  }

  outage(durationMs: number): void {
    if (!(durationMs >= 0)) throw new RangeError(`outage duration must be ≥ 0 ms, got ${durationMs}`);
    this.clearTimer();
    this.outageActive = true;
    for (const drop of this.droppers) drop();
    this.outageTimer = this.timers.setTimeout(() => this.endOutage(), durationMs);
  }

  endOutage(): void {
    this.clearTimer();
    this.outageActive = false;
  }

  slow(factor: number): void {
    if (!(factor >= 1)) throw new RangeError(`slow factor must be ≥ 1, got ${factor}`);
    this.slowFactor = factor;
  }

  reject(on: boolean, reasonCode: number = REASON.connectionRateExceeded): void {
    this.rejecting = on;
    this.rejectReason = reasonCode;
  }

  /** Extra delay for a response now, in ms (0 when not slow). */
  delayMs(): number {
    return (this.slowFactor - 1) * this.slowUnitMs;
  }

  /** Runs `fn` after the slow-fault delay (at once when not slow). */
  afterDelay(fn: () => void): void {
    const ms = this.delayMs();
    if (ms <= 0) fn();
    else this.timers.setTimeout(fn, ms);
  }

  dispose(): void {
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.outageTimer !== undefined) this.timers.clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
  }
}
