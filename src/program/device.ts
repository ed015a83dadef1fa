// The device object a program's hooks receive: one small object per programmed device, created at
// its first boot. Everything it says about the device is read from the shard's typed arrays when
// asked (firmware, connected, battery); it holds only what is the program's own: RAM (`state`),
// subscriptions, the last log lines, and its flash once written. Its timers are rows of the
// shard's timer table (timers.ts).
import { CS } from '../metrics/catalog.js';
import type { Battery, Device, Duration, LogLevel, Payload, PublishOptions } from './api.js';
import { DeviceFlash } from './flash.js';
import type { ProgramHost } from './host.js';

/** Deferred actions: they run right after the callback that asked for them. */
export const ACTION = { none: 0, reboot: 1, sleep: 2 } as const;

/** Log lines kept per device for its outcome trail. */
export const LOG_LINES = 8;

export class ProgramDevice implements Device<Record<string, unknown>> {
  state: Record<string, unknown> = {};
  subs: string[] | null = null;
  logs: { atUs: number; event: string }[] | null = null;
  action: number = ACTION.none;
  sleepUs = 0;
  /** The program was switched off (runaway): built-ins go on without it. */
  off = false;
  errors = 0;
  private flashStore: DeviceFlash | null = null;
  private idText: string | null = null;

  constructor(
    private readonly host: ProgramHost,
    /** Local index in the shard. */
    readonly d: number,
    readonly index: number,
    readonly typeIndex: number,
  ) {}

  get id(): string {
    return (this.idText ??= `${this.type}-${this.index}`);
  }

  get type(): string {
    return this.host.typeName(this.typeIndex);
  }

  get firmware(): string {
    return this.host.firmwareOf(this.d);
  }

  get connected(): boolean {
    return this.host.sh.a.conn[this.d] === CS.connected;
  }

  get flash(): DeviceFlash {
    return (this.flashStore ??= new DeviceFlash(() => this.host.flashWrote()));
  }

  get battery(): Battery {
    return this.host.batteryOf(this.d);
  }

  publish(topic: string, payload: Payload, opts?: PublishOptions): void {
    this.host.publish(this, topic, payload, opts);
  }

  subscribe(topicFilter: string): void {
    this.host.subscribe(this, topicFilter);
  }

  sensor(name: string): number {
    return this.host.sensor(this, name);
  }

  reboot(): void {
    this.action = ACTION.reboot;
    this.host.soon(this);
  }

  sleep(duration: Duration): void {
    if (this.action === ACTION.reboot) return;
    this.action = ACTION.sleep;
    this.sleepUs = this.host.durationUs(duration);
    this.host.soon(this);
  }

  log(level: LogLevel, message: string): void {
    this.host.log(this, level, message);
  }

  random(): number {
    return this.host.random(this.d);
  }

  now(): number {
    return this.host.nowUs / 1000;
  }

  /** RAM is lost (reboot, power loss): state and subscriptions (the host clears the timers). */
  loseRam(): void {
    this.state = {};
    this.subs = null;
    this.action = ACTION.none;
  }
}
